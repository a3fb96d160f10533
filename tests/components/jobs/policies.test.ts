import * as assert from "assert";
import { STATE_MACHINE_LOGGING_STATEMENT } from "../../../components/jobs/policies";
import { deploy, FIXTURE_MODEL, rolePolicyOf } from "../../harness";
import { ofType, one } from "../../mocks";

const QUEUE = "aws:sqs/queue:Queue";
const ALIAS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c:live";

describe("batchTransform", () => {
    it("gives the state machine least privilege, trusted only by this account's Step Functions", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            batchTransform: { inputBucketName: "data-lake", inputPrefix: "scoring/" },
        });
        const trust = JSON.parse(one("aws:iam/role:Role", "demo-batch-role").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
        assert.deepStrictEqual(trust.Statement[0].Principal, { Service: "states.amazonaws.com" });
        assert.deepStrictEqual(rolePolicyOf("demo-batch-role-run").Statement, [
            {
                Sid: "ListInputs",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: "arn:aws:s3:::data-lake",
                Condition: { StringLike: { "s3:prefix": "scoring/*" } },
            },
            {
                Sid: "ReadInputs",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: "arn:aws:s3:::data-lake/scoring/*",
            },
            {
                Sid: "WriteRunReport",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
                Resource: "arn:aws:s3:::demo-results-1a2b3c/batch/*",
            },
            { Sid: "InvokeLiveAlias", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: ALIAS_ARN },
            {
                Sid: "StartChildRuns",
                Effect: "Allow",
                Action: ["states:StartExecution"],
                Resource: "arn:aws:states:us-east-1:123456789012:stateMachine:demo-batch-1a2b3c",
            },
            {
                Sid: "ManageChildRuns",
                Effect: "Allow",
                Action: ["states:DescribeExecution", "states:StopExecution"],
                Resource: "arn:aws:states:us-east-1:123456789012:execution:demo-batch-1a2b3c:*",
            },
            // Step Functions delivers its run logs through actions AWS scopes to no narrower resource.
            STATE_MACHINE_LOGGING_STATEMENT,
        ]);
        // The function may write its lines under the batch prefix and nothing else.
        assert.deepStrictEqual(rolePolicyOf("demo-role-jobs-data").Statement, [
            {
                Sid: "WriteResults",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject"],
                Resource: ["arn:aws:s3:::demo-results-1a2b3c/batch/*"],
            },
        ]);
        assert.strictEqual(ofType(QUEUE).length, 0);
    });
});
