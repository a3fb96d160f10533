import * as assert from "assert";
import { deploy, FIXTURE_MODEL, KMS_KEY, PRIVATE_BUCKET_SETTINGS, rolePolicyOf } from "../../harness";
import { dependenciesOf, ofType, one, valueOf } from "../../mocks";

const FN = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";
const POLICY = "aws:iam/rolePolicy:RolePolicy";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const MACHINE = "aws:sfn/stateMachine:StateMachine";
const ALIAS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c:live";

describe("asyncInference", () => {
    it("makes an encrypted queue with a dead-letter queue, TLS-only, wired to the live alias", async () => {
        const fn = await deploy({ modelPath: FIXTURE_MODEL, asyncInference: {} });
        const queue = one(QUEUE, "demo-queue").inputs;
        const dlq = one(QUEUE, "demo-dlq").inputs;
        assert.deepStrictEqual(JSON.parse(queue.redrivePolicy), {
            deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:demo-dlq-1a2b3c",
            maxReceiveCount: 3,
        });
        assert.strictEqual(queue.visibilityTimeoutSeconds, 180, "six times the 30 s timeout");
        assert.strictEqual(queue.messageRetentionSeconds, 345600);
        assert.strictEqual(queue.maxMessageSize, 1048576);
        assert.strictEqual(queue.sqsManagedSseEnabled, true);
        assert.strictEqual(dlq.messageRetentionSeconds, 1209600);
        assert.strictEqual(dlq.maxMessageSize, 1048576, "a failed message is moved whole");
        assert.deepStrictEqual(
            JSON.parse(one("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy").inputs.redriveAllowPolicy),
            {
                redrivePermission: "byQueue",
                sourceQueueArns: ["arn:aws:sqs:us-east-1:123456789012:demo-queue-1a2b3c"],
            },
        );
        for (const name of ["demo-queue-tls-only", "demo-dlq-tls-only"]) {
            const statement = JSON.parse(one("aws:sqs/queuePolicy:QueuePolicy", name).inputs.policy).Statement[0];
            assert.deepStrictEqual(
                [statement.Effect, statement.Condition],
                ["Deny", { Bool: { "aws:SecureTransport": "false" } }],
            );
        }
        const mapping = one(MAPPING, "demo-queue-mapping").inputs;
        assert.deepStrictEqual(
            [mapping.eventSourceArn, mapping.functionName, mapping.batchSize, mapping.maximumBatchingWindowInSeconds],
            ["arn:aws:sqs:us-east-1:123456789012:demo-queue-1a2b3c", ALIAS_ARN, 10, 0],
        );
        assert.deepStrictEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
        assert.strictEqual(mapping.scalingConfig, undefined);
        // Lambda checks the role may read the queue when the mapping is created.
        assert.ok(dependenciesOf(MAPPING, "demo-queue-mapping").includes(`${POLICY}::demo-role-queue-consume`));
        assert.strictEqual(
            await valueOf(fn.queueUrl),
            "https://sqs.us-east-1.amazonaws.com/123456789012/demo-queue-1a2b3c",
        );
        assert.strictEqual(await valueOf(fn.queueArn), "arn:aws:sqs:us-east-1:123456789012:demo-queue-1a2b3c");
        assert.strictEqual(
            await valueOf(fn.deadLetterQueueUrl),
            "https://sqs.us-east-1.amazonaws.com/123456789012/demo-dlq-1a2b3c",
        );
        assert.strictEqual(await valueOf(fn.outputBucketName), "demo-results-1a2b3c");
        assert.strictEqual(fn.stateMachineArn, undefined);
    });

    it("hardens the results bucket like the model bucket", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, asyncInference: {} });
        for (const type of PRIVATE_BUCKET_SETTINGS) {
            assert.deepStrictEqual(
                ofType(type)
                    .map((r) => r.name)
                    .sort(),
                type.includes("Policy:")
                    ? ["demo-models-policy", "demo-results-policy"]
                    : ofType(type)
                          .map((r) => r.name)
                          .sort(),
            );
            assert.strictEqual(ofType(type).filter((r) => r.name.startsWith("demo-results")).length, 1, type);
        }
    });

    it("tells the function where results go and what it may read, and lets it do only that", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            asyncInference: { inputPrefixes: ["s3://team-data/requests/", "s3://other-data/"], outputPrefix: "out/" },
        });
        const variables = one(FN).inputs.environment.variables;
        assert.strictEqual(variables.ASYNC_OUTPUT_URI, "s3://demo-results-1a2b3c/out/");
        assert.strictEqual(variables.ASYNC_INPUT_PREFIXES, "s3://team-data/requests/,s3://other-data/");
        assert.strictEqual(variables.BATCH_OUTPUT_URI, undefined);
        assert.deepStrictEqual(rolePolicyOf("demo-role-jobs-data").Statement, [
            {
                Sid: "WriteResults",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject"],
                Resource: ["arn:aws:s3:::demo-results-1a2b3c/out/*"],
            },
            {
                Sid: "ReadQueuedInputs",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: ["arn:aws:s3:::team-data/requests/*", "arn:aws:s3:::other-data/*"],
            },
        ]);
        assert.deepStrictEqual(rolePolicyOf("demo-role-queue-consume").Statement, [
            {
                Sid: "ConsumeThisQueue",
                Effect: "Allow",
                Action: [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                ],
                Resource: "arn:aws:sqs:us-east-1:123456789012:demo-queue-1a2b3c",
            },
        ]);
        // The function is created once its permissions exist.
        const deps = dependenciesOf(FN, "demo-fn");
        assert.ok(
            deps.includes(`${POLICY}::demo-role-jobs-data`) && deps.includes(`${POLICY}::demo-role-queue-consume`),
        );
    });

    it("takes the batching, concurrency and retry settings, and a bucket of the user's", async () => {
        const fn = await deploy({
            modelPath: FIXTURE_MODEL,
            timeout: 60,
            asyncInference: {
                batchSize: 50,
                maximumConcurrency: 5,
                maxReceiveCount: 5,
                outputBucketName: "my-results",
            },
        });
        const mapping = one(MAPPING).inputs;
        assert.deepStrictEqual(
            [mapping.batchSize, mapping.maximumBatchingWindowInSeconds, mapping.scalingConfig],
            [50, 1, { maximumConcurrency: 5 }],
        );
        assert.strictEqual(JSON.parse(one(QUEUE, "demo-queue").inputs.redrivePolicy).maxReceiveCount, 5);
        assert.strictEqual(one(QUEUE, "demo-queue").inputs.visibilityTimeoutSeconds, 360);
        assert.strictEqual(ofType("aws:s3/bucket:Bucket").filter((b) => b.name === "demo-results").length, 0);
        assert.strictEqual(one(FN).inputs.environment.variables.ASYNC_OUTPUT_URI, "s3://my-results/async/");
        assert.strictEqual(await valueOf(fn.outputBucketName), "my-results");
    });

    it("with a customer-managed key: the queues use it, and the role only through SQS and S3", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, kmsKeyArn: KMS_KEY, asyncInference: {} });
        assert.deepStrictEqual(
            [one(QUEUE, "demo-queue").inputs.kmsMasterKeyId, one(QUEUE, "demo-queue").inputs.sqsManagedSseEnabled],
            [KMS_KEY, undefined],
        );
        assert.deepStrictEqual(rolePolicyOf("demo-role-jobs-kms").Statement[0], {
            Sid: "UseKeyThroughJobServices",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: KMS_KEY,
            Condition: {
                StringEquals: { "kms:ViaService": ["sqs.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"] },
            },
        });
    });
});

describe("batchTransform", () => {
    it("makes a Distributed Map over the input bucket that invokes only the live alias", async () => {
        const fn = await deploy({
            modelPath: FIXTURE_MODEL,
            batchTransform: { inputBucketName: "data-lake", inputPrefix: "scoring/", passthroughColumns: ["id"] },
        });
        const machine = one(MACHINE, "demo-batch").inputs;
        assert.strictEqual(machine.type, "STANDARD");
        assert.strictEqual(machine.roleArn, "arn:aws:iam::123456789012:role/demo-batch-role-1a2b3c");
        const definition = JSON.parse(machine.definition);
        assert.deepStrictEqual(definition.States.Source.Choices, [
            { Variable: "$.prefix", IsPresent: true, Next: "ScorePrefix" },
        ]);
        const map = definition.States.ScoreObject;
        assert.deepStrictEqual(map.ItemReader, {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
            Parameters: { Bucket: "data-lake", "Key.$": "$.key" },
        });
        assert.deepStrictEqual(definition.States.ScorePrefix.ItemReader, {
            Resource: "arn:aws:states:::s3:listObjectsV2",
            ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW", Transformation: "LOAD_AND_FLATTEN" },
            Parameters: { Bucket: "data-lake", "Prefix.$": "$.prefix" },
        });
        assert.deepStrictEqual(map.ItemSelector, { "index.$": "$$.Map.Item.Index", "row.$": "$$.Map.Item.Value" });
        assert.deepStrictEqual(map.ItemBatcher, {
            MaxItemsPerBatch: 500,
            MaxInputBytesPerBatch: 204800,
            BatchInput: {
                "outputUri.$": "States.Format('s3://demo-results-1a2b3c/batch/{}/', $$.Execution.Name)",
                "executionArn.$": "$$.Execution.Id",
                passthroughColumns: ["id"],
            },
        });
        assert.deepStrictEqual([map.MaxConcurrency, map.ToleratedFailurePercentage], [100, 0]);
        assert.deepStrictEqual(map.ItemProcessor.ProcessorConfig, { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" });
        const task = map.ItemProcessor.States.Score;
        assert.deepStrictEqual(task.Parameters, { FunctionName: ALIAS_ARN, "Payload.$": "$" });
        assert.strictEqual(task.Resource, "arn:aws:states:::lambda:invoke");
        assert.deepStrictEqual(map.ResultWriter, {
            Resource: "arn:aws:states:::s3:putObject",
            Parameters: { Bucket: "demo-results-1a2b3c", Prefix: "batch/runs" },
        });
        assert.strictEqual(
            await valueOf(fn.stateMachineArn),
            "arn:aws:states:us-east-1:123456789012:stateMachine:demo-batch-1a2b3c",
        );
        assert.strictEqual(await valueOf(fn.batchOutputUri), "s3://demo-results-1a2b3c/batch/");
        assert.strictEqual(one(FN).inputs.environment.variables.BATCH_OUTPUT_URI, "s3://demo-results-1a2b3c/batch/");
    });

    it("JSON Lines, its own output bucket, and the batching settings", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            batchTransform: {
                inputBucketName: "data-lake",
                inputFormat: "jsonl",
                outputBucketName: "scores",
                outputPrefix: "nightly/",
                rowsPerBatch: 1000,
                maxBytesPerBatch: 262144,
                maxConcurrency: 2000,
                toleratedFailurePercentage: 5,
            },
        });
        const map = JSON.parse(one(MACHINE).inputs.definition).States.ScoreObject;
        assert.deepStrictEqual(map.ItemReader.ReaderConfig, { InputType: "JSONL" });
        assert.deepStrictEqual(
            [
                map.ItemBatcher.MaxItemsPerBatch,
                map.ItemBatcher.MaxInputBytesPerBatch,
                map.MaxConcurrency,
                map.ToleratedFailurePercentage,
            ],
            [1000, 262144, 2000, 5],
        );
        assert.strictEqual(
            map.ItemBatcher.BatchInput["outputUri.$"],
            "States.Format('s3://scores/nightly/{}/', $$.Execution.Name)",
        );
        assert.strictEqual(ofType("aws:s3/bucket:Bucket").filter((b) => b.name === "demo-results").length, 0);
        // No prefix: the whole input bucket may be listed.
        assert.strictEqual(rolePolicyOf("demo-batch-role-run").Statement[0].Condition, undefined);
    });

    it("both jobs share one results bucket", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            asyncInference: {},
            batchTransform: { inputBucketName: "data-lake" },
        });
        assert.deepStrictEqual(
            ofType("aws:s3/bucket:Bucket")
                .map((b) => b.name)
                .sort(),
            ["demo-models", "demo-results"],
        );
        assert.deepStrictEqual(rolePolicyOf("demo-role-jobs-data").Statement[0].Resource, [
            "arn:aws:s3:::demo-results-1a2b3c/async/*",
            "arn:aws:s3:::demo-results-1a2b3c/batch/*",
        ]);
    });
});

describe("the jobs' guard rails", () => {
    it("alarms on dead letters and on a backlog older than answering or dead-lettering takes", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            asyncInference: { maxReceiveCount: 4 },
            alarmActions: ["arn:aws:sns:us-east-1:123456789012:oncall"],
        });
        const depth = one("aws:cloudwatch/metricAlarm:MetricAlarm", "demo-dlq-depth").inputs;
        assert.deepStrictEqual(
            [depth.namespace, depth.metricName, depth.dimensions, depth.threshold, depth.comparisonOperator],
            [
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                { QueueName: "demo-dlq-1a2b3c" },
                1,
                "GreaterThanOrEqualToThreshold",
            ],
        );
        const age = one("aws:cloudwatch/metricAlarm:MetricAlarm", "demo-queue-age").inputs;
        assert.deepStrictEqual(
            [age.metricName, age.dimensions, age.threshold],
            ["ApproximateAgeOfOldestMessage", { QueueName: "demo-queue-1a2b3c" }, 180 * 4],
        );
        for (const alarm of [depth, age]) {
            assert.deepStrictEqual(alarm.alarmActions, ["arn:aws:sns:us-east-1:123456789012:oncall"]);
        }
        // Not the rollout's: a backlog is the queue's, not a version's.
        await deploy({ modelPath: FIXTURE_MODEL, asyncInference: {}, deploymentStrategy: "Canary10Percent5Minutes" });
        const watched = JSON.stringify(one("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs.alarmConfiguration);
        assert.ok(!watched.includes("dlq-depth") && !watched.includes("queue-age"), watched);
        await deploy({ modelPath: FIXTURE_MODEL, asyncInference: {}, enableAlarms: false });
        assert.strictEqual(ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
    });

    it("the state machine logs its runs' errors, never their rows, and the function may check its runs only", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            batchTransform: { inputBucketName: "data-lake" },
            logRetentionDays: 7,
        });
        const logs = one("aws:cloudwatch/logGroup:LogGroup", "demo-batch-logs").inputs;
        assert.deepStrictEqual([logs.namePrefix, logs.retentionInDays], ["/aws/vendedlogs/states/demo-", 7]);
        assert.deepStrictEqual(one(MACHINE).inputs.loggingConfiguration, {
            level: "ERROR",
            includeExecutionData: false,
            logDestination: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/demo-0001:*",
        });
        assert.deepStrictEqual(rolePolicyOf("demo-role-batch-runs").Statement, [
            {
                Sid: "CheckBatchRuns",
                Effect: "Allow",
                Action: ["states:DescribeExecution"],
                Resource: "arn:aws:states:us-east-1:123456789012:execution:demo-batch-1a2b3c:*",
            },
        ]);
        assert.strictEqual(one(POLICY, "demo-role-batch-runs").inputs.role, "demo-role-1a2b3c-id");
    });
});
