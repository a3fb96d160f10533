import * as assert from "assert";
import { deploy, FIXTURE_MODEL, rejected } from "../../harness";
import { ofType, one } from "../../mocks";

const FN = "aws:lambda/function:Function";

describe("hardening", () => {
    describe("a public function URL has a ceiling", () => {
        it('refuses functionUrlAuthType "NONE" without reservedConcurrency', async () => {
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                enableFunctionUrl: true,
                functionUrlAuthType: "NONE",
            });
            assert.deepStrictEqual(e.errors, [
                {
                    propertyPath: "reservedConcurrency",
                    reason: 'is required with functionUrlAuthType "NONE": a public URL without a ceiling lets anyone spend the account\'s concurrency and money',
                },
            ]);
        });

        it("accepts it with reservedConcurrency, and IAM auth or no URL without", async () => {
            await deploy({
                modelPath: FIXTURE_MODEL,
                enableFunctionUrl: true,
                functionUrlAuthType: "NONE",
                reservedConcurrency: 10,
            });
            assert.strictEqual(one(FN).inputs.reservedConcurrentExecutions, 10);
            await deploy({ modelPath: FIXTURE_MODEL, enableFunctionUrl: true });
            await deploy({ modelPath: FIXTURE_MODEL, functionUrlAuthType: "NONE" });
            assert.strictEqual(ofType("aws:lambda/functionUrl:FunctionUrl").length, 0);
        });
    });
});
