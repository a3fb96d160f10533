import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    area,
    booleanProblem,
    checked,
    integerProblem,
    isKnown,
    numberProblem,
    objectProblem,
    oneOfProblem,
    patternProblem,
} from "../../../components/validation/problems";

describe("the judgements the areas are made of", () => {
    it("area: the resolved slice only when there is no problem", () => {
        let resolved = 0;
        const make = () => ++resolved;
        assert.deepStrictEqual(area([], make), { problems: [], resolved: 1 });
        const problem = { propertyPath: "x", reason: "y" };
        assert.deepStrictEqual(area([problem], make), { problems: [problem] });
        assert.strictEqual(resolved, 1, "a slice with problems is never resolved");
    });

    it("checked: a value the checks proved present, else an internal error naming it", () => {
        assert.strictEqual(checked("p", 3), 3);
        assert.throws(() => checked("modelKey", undefined), /^Error: internal error: modelKey passed validation/);
    });

    it("integer, number, one-of, boolean and object problems name the property and what it must be", () => {
        assert.deepStrictEqual(integerProblem("t", 1.5, 1, 9, " (s)"), [
            { propertyPath: "t", reason: "must be an integer from 1 to 9 (s); got 1.5" },
        ]);
        assert.deepStrictEqual(integerProblem("t", undefined, 1, 9), []);
        assert.deepStrictEqual(numberProblem("r", "0.5", 0, 1), [
            { propertyPath: "r", reason: 'must be a number from 0 to 1; got "0.5"' },
        ]);
        assert.deepStrictEqual(oneOfProblem("a", "x", ["y", 2]), [
            { propertyPath: "a", reason: 'must be one of "y", 2; got "x"' },
        ]);
        assert.deepStrictEqual(booleanProblem("b", 1), [{ propertyPath: "b", reason: "must be true or false; got 1" }]);
        assert.deepStrictEqual(objectProblem("o", [1]), [{ propertyPath: "o", reason: "must be an object; got [1]" }]);
    });

    it("never judges a value that is only known at deploy time", () => {
        assert.strictEqual(isKnown(pulumi.output("x")), false);
        assert.strictEqual(isKnown(Promise.resolve("x")), false);
        assert.strictEqual(isKnown("x"), true);
        assert.deepStrictEqual(patternProblem("k", pulumi.output("*"), /^a$/, "r"), []);
        assert.deepStrictEqual(patternProblem("k", "*", /^a$/, "r"), [{ propertyPath: "k", reason: "r" }]);
    });
});
