import * as assert from "assert";
import { batchDefinition } from "../../../components/jobs/definition";

const ALIAS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c:live";

describe("batchTransform", () => {
    it("escapes what an intrinsic function would read as syntax in the output prefix", () => {
        const definition = JSON.parse(
            batchDefinition({
                partition: "aws",
                inputBucket: "in",
                format: "csv",
                outputBucket: "out",
                outputPrefix: "it's {odd}/",
                aliasArn: ALIAS_ARN,
                rowsPerBatch: 1,
                maxBytesPerBatch: 1024,
                maxConcurrency: 1,
                toleratedFailurePercentage: 0,
                passthroughColumns: [],
            }),
        );
        assert.strictEqual(
            definition.States.ScoreObject.ItemBatcher.BatchInput["outputUri.$"],
            "States.Format('s3://out/it\\'s \\{odd\\}/{}/', $$.Execution.Name)",
        );
    });
});
