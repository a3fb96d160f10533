import * as assert from "assert";
import { parseObject } from "../../components/json";

describe("json", () => {
    it("parseObject: a JSON object, nothing else", () => {
        assert.deepStrictEqual(parseObject('{"a": 1}'), { a: 1 });
        for (const text of ["[1]", "1", "null", "{", "", '"s"']) {
            assert.strictEqual(parseObject(text), undefined, text);
        }
    });
});
