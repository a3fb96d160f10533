import * as assert from "assert";
import { deploy, FIXTURE_MODEL, reasonsOf, rejected } from "../../harness";
import { one } from "../../mocks";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const FN = "aws:lambda/function:Function";

/** Constructs the component, expecting one InputPropertiesError; returns it after checking nothing was registered. */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-validation-"));
const emptyApp = fs.mkdtempSync(path.join(tmp, "app-"));

describe("pythonVersion and snapStart", () => {
    it("refuses an unknown Python, a base of another Python, and SnapStart with what else it never takes", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            pythonVersion: "3.11",
            snapStart: true,
            ephemeralStorageSize: 1024,
        });
        assert.deepStrictEqual(reasonsOf(error), [
            'pythonVersion: must be one of "3.12", "3.13"; got "3.11"',
            "ephemeralStorageSize: must be at most 512 with snapStart (the snapshot holds /tmp); got 1024",
        ]);
        const mismatch = await rejected({
            modelPath: FIXTURE_MODEL,
            pythonVersion: "3.13",
            buildArgs: { BASE_IMAGE: "public.ecr.aws/lambda/python:3.12" },
        });
        assert.deepStrictEqual(reasonsOf(mismatch), [
            "buildArgs.BASE_IMAGE: is Python 3.12, but pythonVersion is 3.13: pin the base of the same version",
        ]);
        await deploy({ modelPath: FIXTURE_MODEL, snapStart: false });
        assert.strictEqual(one(FN).inputs.snapStart, undefined);
    });
});

describe("bad input", () => {
    it("a missing app directory", async () => {
        const missing = path.join(tmp, "nope");
        const e = await rejected({ modelPath: FIXTURE_MODEL, appPath: missing });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "appPath", reason: `must be an existing directory; ${missing} is not one` },
        ]);
        assert.strictEqual(e.message, 'InferenceFunction "demo" has 1 invalid argument');
    });

    it("an app directory without a Dockerfile, or a dockerfile that is not there", async () => {
        let e = await rejected({ modelPath: FIXTURE_MODEL, appPath: emptyApp });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "appPath",
                reason: `must name a Dockerfile inside appPath; ${path.join(emptyApp, "Dockerfile")} does not exist`,
            },
        ]);
        e = await rejected({ modelPath: FIXTURE_MODEL, dockerfile: "Dockerfile.gpu" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "dockerfile",
                reason: `must name a Dockerfile inside appPath; ${path.resolve(__dirname, "..", "..", "..", "app", "Dockerfile.gpu")} does not exist`,
            },
        ]);
    });
});
