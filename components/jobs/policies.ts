// The policy documents of queued inference and batch transform, as pure functions of the ARNs they
// name: tested directly, and shared by the builders and the offline plan.

import { serviceTrustPolicy } from "../policies";

const VERSION = "2012-10-17";

/** The ARN of every object under `prefix` of a bucket (the whole bucket when the prefix is empty). */
export function objectsUnder(bucketArn: string, prefix: string): string {
    return `${bucketArn}/${prefix}*`;
}

/** What the event source mapping does with the function's role: read and settle this queue's messages. */
export function queueConsumePolicy(queueArn: string): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            {
                Sid: "ConsumeThisQueue",
                Effect: "Allow",
                Action: [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                ],
                Resource: queueArn,
            },
        ],
    });
}

/**
 * The function's access to the data of its jobs: write results under the output prefixes (and read them
 * back there, to recognise its own result when a message or a batch is delivered again, since each is
 * written only where nothing is yet), and read queued inputs under the allowed prefixes; nothing else
 * (no listing, no deleting).
 */
export function jobsDataPolicy(writeUnder: string[], readUnder: string[]): string {
    const statements: object[] = [
        { Sid: "WriteResults", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: writeUnder },
    ];
    if (readUnder.length > 0) {
        statements.push({ Sid: "ReadQueuedInputs", Effect: "Allow", Action: ["s3:GetObject"], Resource: readUnder });
    }
    return JSON.stringify({ Version: VERSION, Statement: statements });
}

/**
 * The customer-managed key, used only through the services of the jobs: SQS (the queue's messages)
 * and S3 (results written and inputs read, encrypted with it).
 */
export function jobsKmsPolicy(keyArn: string, region: string, services: ("sqs" | "s3")[]): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            {
                Sid: "UseKeyThroughJobServices",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: keyArn,
                Condition: {
                    StringEquals: { "kms:ViaService": services.map((s) => `${s}.${region}.amazonaws.com`) },
                },
            },
        ],
    });
}

/**
 * The function may ask about the runs of its own state machine, and no other: it scores a batch only
 * for a run that is going on (a batch event from anyone else is refused).
 */
export function batchRunsPolicy(executionsArn: string): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            { Sid: "CheckBatchRuns", Effect: "Allow", Action: ["states:DescribeExecution"], Resource: executionsArn },
        ],
    });
}

/**
 * What Step Functions needs to deliver a state machine's logs to CloudWatch Logs: the log delivery
 * actions, which AWS scopes to no narrower resource than "*".
 */
export const STATE_MACHINE_LOGGING_STATEMENT = {
    Sid: "DeliverRunLogs",
    Effect: "Allow",
    Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    ],
    Resource: "*",
};

/** Only this account's Step Functions may assume the batch role. */
export function stepFunctionsTrustPolicy(account: string): string {
    return serviceTrustPolicy("states.amazonaws.com", account);
}

export interface BatchPolicyArns {
    inputBucketArn: string;
    inputPrefix: string;
    outputBucketArn: string;
    outputPrefix: string;
    aliasArn: string;
    stateMachineArn: string;
    /** `arn:...:execution:<state machine name>:*`: the map run's child executions. */
    executionsArn: string;
}

/**
 * The state machine's role: read the data sets (list under the input prefix, get its objects), invoke
 * only the live alias, write Step Functions' report under the output prefix, and run its own child
 * executions (a Distributed Map starts, watches and stops them).
 */
export function batchPolicy(a: BatchPolicyArns): string {
    const list: { [key: string]: unknown } = {
        Sid: "ListInputs",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: a.inputBucketArn,
    };
    if (a.inputPrefix) {
        list.Condition = { StringLike: { "s3:prefix": `${a.inputPrefix}*` } };
    }
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            list,
            {
                Sid: "ReadInputs",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: objectsUnder(a.inputBucketArn, a.inputPrefix),
            },
            {
                Sid: "WriteRunReport",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
                Resource: objectsUnder(a.outputBucketArn, a.outputPrefix),
            },
            { Sid: "InvokeLiveAlias", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: a.aliasArn },
            { Sid: "StartChildRuns", Effect: "Allow", Action: ["states:StartExecution"], Resource: a.stateMachineArn },
            {
                Sid: "ManageChildRuns",
                Effect: "Allow",
                Action: ["states:DescribeExecution", "states:StopExecution"],
                Resource: a.executionsArn,
            },
            STATE_MACHINE_LOGGING_STATEMENT,
        ],
    });
}
