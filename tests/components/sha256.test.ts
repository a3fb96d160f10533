import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sha256File } from "../../components/sha256";
import { FIXTURE_MODEL, FIXTURE_SHA256 } from "../harness";

describe("sha256", () => {
    it("sha256File: the hex digest of the fixture, and of a file larger than one read chunk", () => {
        assert.strictEqual(sha256File(FIXTURE_MODEL), FIXTURE_SHA256);
        const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sha-")), "big.bin");
        const data = crypto.randomBytes(3 * 64 * 1024 + 7);
        fs.writeFileSync(big, data);
        assert.strictEqual(sha256File(big), crypto.createHash("sha256").update(data).digest("hex"));
        fs.rmSync(path.dirname(big), { recursive: true });
    });

    it("sha256File throws for a missing file", () => {
        assert.throws(() => sha256File("/nonexistent/model.joblib"), /ENOENT/);
    });
});
