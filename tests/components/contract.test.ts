import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONTRACT, CONTRACT_PATH, contractOf } from "../../components/contract";
import { BUNDLED_APP_PATH } from "../../components/defaults";

describe("contract: one file the component, the app and the Dockerfile read by key", () => {
    it("is the bundled app's contract.json", () => {
        assert.strictEqual(CONTRACT_PATH, path.join(BUNDLED_APP_PATH, "inference", "contract.json"));
        assert.strictEqual(CONTRACT.handler, "inference.handler.lambda_handler");
    });

    it("holds each limit's variable, default and range, the default within the range", () => {
        for (const [key, limit] of Object.entries(CONTRACT.environment.limits)) {
            assert.match(limit.name, /^[A-Z_]+$/, key);
            assert.ok(limit.min <= limit.default && limit.default <= limit.max, key);
        }
        const { initBudgetSeconds } = CONTRACT.settings;
        assert.deepStrictEqual(initBudgetSeconds, { default: 9, min: 1, max: 900 });
    });

    it("names every environment variable once", () => {
        const names = Object.values(CONTRACT.environment).flatMap((section) =>
            Object.values(section).map((v) => (typeof v === "string" ? v : (v as { name: string }).name)),
        );
        assert.deepStrictEqual(names.length, new Set(names).size);
    });

    it("contractOf: the bundled app's, an own app's when it carries one, none otherwise", () => {
        assert.strictEqual(contractOf(BUNDLED_APP_PATH), CONTRACT);
        const own = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-app-"));
        assert.strictEqual(contractOf(own), undefined);
        fs.mkdirSync(path.join(own, "inference"));
        const changed = {
            ...CONTRACT,
            formats: { sklearn: { ...CONTRACT.formats.sklearn, serves: { "scikit-learn": "1.6.1" } } },
        };
        fs.writeFileSync(path.join(own, "inference", "contract.json"), JSON.stringify(changed));
        assert.deepStrictEqual(contractOf(own)?.formats.sklearn.serves, { "scikit-learn": "1.6.1" });
    });
});
