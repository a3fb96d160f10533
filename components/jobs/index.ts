// Queued inference (SQS) and batch transform (Step Functions), in two steps: what the function must
// have before it is created (the results bucket, the queues, its permissions and settings), and what
// is wired to its live alias afterwards (the event source mapping, the state machine).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "../account";
import { createPrivateBucket } from "../bucket";
import { CONTRACT } from "../contract";
import { tlsOnlyQueuePolicy } from "../policies";
import { JOB_DEFAULTS } from "../defaults";
import { BuildContext, JobsSettings, S3Prefix, SecuritySettings } from "../resolved";
import { PolicyNeed } from "../role";
import { batchDefinition } from "./definition";
import {
    batchPolicy,
    jobsDataPolicy,
    jobsKmsPolicy,
    objectsUnder,
    queueConsumePolicy,
    stepFunctionsTrustPolicy,
} from "./policies";

const ENV = CONTRACT.environment.jobs;

/** A bucket and prefix, resolved: the bucket's name and ARN. */
interface Location {
    bucketName: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
    prefix: string;
}

export interface Queues {
    queue: aws.sqs.Queue;
    deadLetter: aws.sqs.Queue;
}

/** What exists before the function: where results go, the queues, and the role's needs. */
export interface JobsBase {
    /** The variables that tell the function where it may write and read. */
    environment: { [name: string]: pulumi.Input<string> };
    policies: PolicyNeed[];
    queues?: Queues;
    asyncOutput?: Location;
    batchOutput?: Location;
    /** The component's results bucket, when a job needs it. */
    resultsBucket?: aws.s3.Bucket;
    /** The bucket's settings; results are written only once they are in place. */
    settled: pulumi.Resource[];
}

function uri(location: Location): pulumi.Output<string> {
    return pulumi.interpolate`s3://${location.bucketName}/${location.prefix}`;
}

function queuesOf(name: string, q: NonNullable<JobsSettings["async"]>, security: SecuritySettings, ctx: BuildContext) {
    // Encrypted at rest: with the customer-managed key when given, else with SQS's own keys.
    const encryption = security.kmsKeyArn
        ? { kmsMasterKeyId: security.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
        : { sqsManagedSseEnabled: true };
    const deadLetter = new aws.sqs.Queue(
        `${name}-dlq`,
        { messageRetentionSeconds: JOB_DEFAULTS.deadLetterRetentionSeconds, ...encryption, tags: ctx.tags },
        { parent: ctx.parent },
    );
    const queue = new aws.sqs.Queue(
        `${name}-queue`,
        {
            visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
            messageRetentionSeconds: q.messageRetentionSeconds,
            // SQS's largest message: an input above it travels in S3 (`input.s3Uri`).
            maxMessageSize: JOB_DEFAULTS.maxMessageBytes,
            redrivePolicy: deadLetter.arn.apply((arn) =>
                JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: q.maxReceiveCount }),
            ),
            ...encryption,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    // Only this queue may send to the dead-letter queue.
    new aws.sqs.RedriveAllowPolicy(
        `${name}-dlq-redrive-allow`,
        {
            queueUrl: deadLetter.url,
            redriveAllowPolicy: queue.arn.apply((arn) =>
                JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [arn] }),
            ),
        },
        { parent: ctx.parent },
    );
    for (const [id, q2] of [
        ["queue", queue],
        ["dlq", deadLetter],
    ] as const) {
        new aws.sqs.QueuePolicy(
            `${name}-${id}-tls-only`,
            { queueUrl: q2.url, policy: q2.arn.apply(tlsOnlyQueuePolicy) },
            { parent: ctx.parent },
        );
    }
    return { queue, deadLetter };
}

/**
 * The results bucket (when a job does not bring its own), the queues, and what the function needs
 * to serve them: its settings and an inline policy for each purpose.
 */
export function createJobs(
    name: string,
    jobs: JobsSettings,
    security: SecuritySettings,
    account: Account,
    ctx: BuildContext,
): JobsBase {
    const base: JobsBase = { environment: {}, policies: [], settled: [] };
    if (!jobs.async && !jobs.batch) {
        return base;
    }
    const needsBucket = [jobs.async?.output, jobs.batch?.output].some((o) => o !== undefined && o.bucket === undefined);
    if (needsBucket) {
        const { bucket, settled } = createPrivateBucket(`${name}-results`, security, ctx);
        base.resultsBucket = bucket;
        base.settled = settled;
    }
    const results = base.resultsBucket;
    const locate = (output: S3Prefix): Location => {
        if (output.bucket === undefined) {
            if (results === undefined) {
                throw new Error("internal error: a job without its own bucket and no results bucket");
            }
            return { bucketName: results.bucket, bucketArn: results.arn, prefix: output.prefix };
        }
        const existing = aws.s3.getBucketOutput({ bucket: output.bucket }, { parent: ctx.parent });
        return { bucketName: existing.bucket, bucketArn: existing.arn, prefix: output.prefix };
    };
    const writeUnder: pulumi.Output<string>[] = [];
    const readUnder: string[] = [];
    const services: ("sqs" | "s3")[] = ["s3"];
    if (jobs.async) {
        base.asyncOutput = locate(jobs.async.output);
        base.queues = queuesOf(name, jobs.async, security, ctx);
        base.environment[ENV.asyncOutputUri] = uri(base.asyncOutput);
        base.environment[ENV.asyncInputPrefixes] = jobs.async.inputPrefixes
            .map((p) => `s3://${p.bucket}/${p.prefix}`)
            .join(",");
        writeUnder.push(base.asyncOutput.bucketArn.apply((arn) => objectsUnder(arn, jobs.async!.output.prefix)));
        readUnder.push(...jobs.async.inputPrefixes.map((p) => `arn:aws:s3:::${p.bucket}/${p.prefix}*`));
        base.policies.push({ id: "queue-consume", document: base.queues.queue.arn.apply(queueConsumePolicy) });
        services.unshift("sqs");
    }
    if (jobs.batch) {
        base.batchOutput = locate(jobs.batch.output);
        base.environment[ENV.batchOutputUri] = uri(base.batchOutput);
        writeUnder.push(base.batchOutput.bucketArn.apply((arn) => objectsUnder(arn, jobs.batch!.output.prefix)));
    }
    base.policies.push({
        id: "jobs-data",
        document: pulumi.all([pulumi.all(writeUnder), account.partition]).apply(([write, partition]) =>
            jobsDataPolicy(
                write,
                readUnder.map((arn) => arn.replace(/^arn:aws:/, `arn:${partition}:`)),
            ),
        ),
    });
    if (security.kmsKeyArn) {
        base.policies.push({
            id: "jobs-kms",
            document: pulumi
                .all([security.kmsKeyArn, account.region])
                .apply(([key, region]) => jobsKmsPolicy(key, region, services)),
        });
    }
    return base;
}

/** What the live alias drives once it exists. */
export interface JobsConnected {
    mapping?: aws.lambda.EventSourceMapping;
    stateMachine?: aws.sfn.StateMachine;
}

/** The event source mapping from the queue and the batch transform's state machine, on the live alias. */
export function connectJobs(
    name: string,
    jobs: JobsSettings,
    base: JobsBase,
    deps: { alias: aws.lambda.Alias; rolePolicies: pulumi.Resource[]; account: Account; security: SecuritySettings },
    ctx: BuildContext,
): JobsConnected {
    const connected: JobsConnected = {};
    if (jobs.async && base.queues) {
        const q = jobs.async;
        connected.mapping = new aws.lambda.EventSourceMapping(
            `${name}-queue-mapping`,
            {
                eventSourceArn: base.queues.queue.arn,
                functionName: deps.alias.arn,
                batchSize: q.batchSize,
                maximumBatchingWindowInSeconds: q.batchingWindowSeconds,
                // Only the messages the function lists are delivered again; the rest of the batch is done.
                functionResponseTypes: ["ReportBatchItemFailures"],
                scalingConfig: q.maximumConcurrency ? { maximumConcurrency: q.maximumConcurrency } : undefined,
                tags: ctx.tags,
            },
            // Lambda checks the role can read the queue when the mapping is created.
            { parent: ctx.parent, dependsOn: deps.rolePolicies },
        );
    }
    if (jobs.batch && base.batchOutput) {
        connected.stateMachine = createStateMachine(name, jobs.batch, base.batchOutput, deps, ctx);
    }
    return connected;
}

function createStateMachine(
    name: string,
    b: NonNullable<JobsSettings["batch"]>,
    output: Location,
    deps: { alias: aws.lambda.Alias; account: Account; security: SecuritySettings },
    { parent, tags }: BuildContext,
): aws.sfn.StateMachine {
    const { account, security } = deps;
    const role = new aws.iam.Role(
        `${name}-batch-role`,
        {
            assumeRolePolicy: account.accountId.apply(stepFunctionsTrustPolicy),
            permissionsBoundary: security.permissionsBoundary,
            path: security.rolePath,
            tags,
        },
        { parent },
    );
    const inputBucket = aws.s3.getBucketOutput({ bucket: b.inputBucket }, { parent });
    const definition = pulumi
        .all([account.partition, inputBucket.bucket, output.bucketName, deps.alias.arn])
        .apply(([partition, inputName, outputName, aliasArn]) =>
            batchDefinition({
                partition,
                inputBucket: inputName,
                format: b.format,
                outputBucket: outputName,
                outputPrefix: output.prefix,
                aliasArn,
                rowsPerBatch: b.rowsPerBatch,
                maxBytesPerBatch: b.maxBytesPerBatch,
                maxConcurrency: b.maxConcurrency,
                toleratedFailurePercentage: b.toleratedFailurePercentage,
                passthroughColumns: b.passthroughColumns,
            }),
        );
    const machine = new aws.sfn.StateMachine(
        `${name}-batch`,
        { roleArn: role.arn, definition, type: "STANDARD", tags },
        { parent },
    );
    // Its own ARN is in the policy (child runs), so the policy follows the state machine; a run started
    // before the policy is in place would fail, and `pulumi up` completes only once it is.
    const policy = pulumi
        .all([
            inputBucket.arn,
            output.bucketArn,
            deps.alias.arn,
            machine.arn,
            machine.name,
            account.region,
            account.accountId,
            account.partition,
        ])
        .apply(([inputArn, outputArn, aliasArn, machineArn, machineName, region, accountId, partition]) =>
            batchPolicy({
                inputBucketArn: inputArn,
                inputPrefix: b.inputPrefix,
                outputBucketArn: outputArn,
                outputPrefix: output.prefix,
                aliasArn,
                stateMachineArn: machineArn,
                executionsArn: `arn:${partition}:states:${region}:${accountId}:execution:${machineName}:*`,
            }),
        );
    new aws.iam.RolePolicy(`${name}-batch-role-run`, { role: role.id, policy }, { parent });
    if (security.kmsKeyArn) {
        new aws.iam.RolePolicy(
            `${name}-batch-role-kms`,
            {
                role: role.id,
                policy: pulumi
                    .all([security.kmsKeyArn, account.region])
                    .apply(([key, region]) => jobsKmsPolicy(key, region, ["s3"])),
            },
            { parent },
        );
    }
    return machine;
}
