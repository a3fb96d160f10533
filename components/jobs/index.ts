// Queued inference (SQS) and batch transform (Step Functions), in two steps: what the function must
// have before it is created (the results bucket, the queues, its permissions and settings), and what
// is wired to its live alias afterwards (the event source mapping, the state machine).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "../account";
import { adoptedBucket, BucketRef, createPrivateBucket } from "../bucket";
import { CONTRACT } from "../contract";
import { tlsOnlyQueuePolicy } from "../policies";
import { QUEUES } from "../defaults";
import { AsyncSettings, BatchSettings, BuildContext, JobsSettings, S3Prefix, SecuritySettings } from "../resolved";
import { PolicyNeed } from "../role";
import { batchDefinition } from "./definition";
import {
    batchPolicy,
    batchRunsPolicy,
    jobsDataPolicy,
    jobsKmsPolicy,
    objectsUnder,
    queueConsumePolicy,
    stepFunctionsTrustPolicy,
} from "./policies";

const ENV = CONTRACT.environment.jobs;

/** A bucket and prefix, resolved: the bucket's name and ARN. */
interface Location extends Pick<BucketRef, "bucketName" | "bucketArn"> {
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

function createQueues(name: string, q: AsyncSettings, security: SecuritySettings, ctx: BuildContext): Queues {
    // Encrypted at rest: with the customer-managed key when given, else with SQS's own keys.
    const encryption = security.kmsKeyArn
        ? { kmsMasterKeyId: security.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
        : { sqsManagedSseEnabled: true };
    const deadLetter = new aws.sqs.Queue(
        `${name}-dlq`,
        {
            messageRetentionSeconds: QUEUES.deadLetterRetentionSeconds,
            // A message that fails is moved whole: the dead-letter queue takes the queue's largest.
            maxMessageSize: QUEUES.maxMessageBytes,
            ...encryption,
            tags: ctx.tags,
        },
        { parent: ctx.parent },
    );
    const queue = new aws.sqs.Queue(
        `${name}-queue`,
        {
            visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
            messageRetentionSeconds: q.messageRetentionSeconds,
            // SQS's largest message: an input above it travels in S3 (`input.s3Uri`).
            maxMessageSize: QUEUES.maxMessageBytes,
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

/** Where each job's results go: the bucket it names, or the component's results bucket, created once. */
function locator(name: string, jobs: JobsSettings, security: SecuritySettings, ctx: BuildContext) {
    const needsOwn = [jobs.async?.output, jobs.batch?.output].some((o) => o !== undefined && o.bucket === undefined);
    const results = needsOwn ? createPrivateBucket(`${name}-results`, security, ctx) : undefined;
    const locate = (output: S3Prefix): Location => {
        if (output.bucket !== undefined) {
            return { ...adoptedBucket(output.bucket, ctx), prefix: output.prefix };
        }
        if (results === undefined) {
            throw new Error("internal error: a job without its own bucket and no results bucket");
        }
        return { bucketName: results.bucket.bucket, bucketArn: results.bucket.arn, prefix: output.prefix };
    };
    return { results, locate };
}

/** The bucket and prefix a job writes under, as the role's write statement names them. */
function writableUnder(location: Location): pulumi.Output<string> {
    return location.bucketArn.apply((arn) => objectsUnder(arn, location.prefix));
}

/** The queues, where their results go and what messages may read, and the permission to consume the queue. */
function addQueued(base: JobsBase, q: AsyncSettings, location: Location, queues: Queues): void {
    base.asyncOutput = location;
    base.queues = queues;
    base.environment[ENV.asyncOutputUri] = uri(location);
    base.environment[ENV.asyncInputPrefixes] = q.inputPrefixes.map((p) => `s3://${p.bucket}/${p.prefix}`).join(",");
    base.policies.push({ id: "queue-consume", document: queues.queue.arn.apply(queueConsumePolicy) });
}

/** Where batch runs write their lines. */
function addBatch(base: JobsBase, location: Location): void {
    base.batchOutput = location;
    base.environment[ENV.batchOutputUri] = uri(location);
}

/** The role's reach over the jobs' data: write under each output, read under each allowed input prefix. */
function dataPolicies(base: JobsBase, jobs: JobsSettings, security: SecuritySettings, account: Account): void {
    const writeUnder = [base.asyncOutput, base.batchOutput].flatMap((l) => (l ? [writableUnder(l)] : []));
    const readUnder = (jobs.async?.inputPrefixes ?? []).map((p) => `arn:aws:s3:::${p.bucket}/${p.prefix}*`);
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
        const services: ("sqs" | "s3")[] = jobs.async ? ["sqs", "s3"] : ["s3"];
        base.policies.push({
            id: "jobs-kms",
            document: pulumi
                .all([security.kmsKeyArn, account.region])
                .apply(([key, region]) => jobsKmsPolicy(key, region, services)),
        });
    }
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
    const { results, locate } = locator(name, jobs, security, ctx);
    base.resultsBucket = results?.bucket;
    base.settled = results?.settled ?? [];
    if (jobs.async) {
        addQueued(base, jobs.async, locate(jobs.async.output), createQueues(name, jobs.async, security, ctx));
    }
    if (jobs.batch) {
        addBatch(base, locate(jobs.batch.output));
    }
    dataPolicies(base, jobs, security, account);
    return base;
}

/** What the live alias drives once it exists. */
export interface JobsConnected {
    mapping?: aws.lambda.EventSourceMapping;
    stateMachine?: aws.sfn.StateMachine;
}

/** What the jobs wired to the live alias need: it, the function's role, and where the component deploys. */
interface ConnectDeps {
    alias: aws.lambda.Alias;
    /** The function's role and its policies (the queue's mapping waits for them). */
    role: aws.iam.Role;
    rolePolicies: pulumi.Resource[];
    account: Account;
    security: SecuritySettings;
    /** How long the state machine's run logs are kept. */
    logRetentionDays: number;
}

/** The event source mapping from the queue and the batch transform's state machine, on the live alias. */
export function connectJobs(
    name: string,
    jobs: JobsSettings,
    base: JobsBase,
    deps: ConnectDeps,
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

/** The state machine's role: trusted by this account's Step Functions only. */
function createBatchRole(name: string, deps: ConnectDeps, { parent, tags }: BuildContext): aws.iam.Role {
    const { account, security } = deps;
    return new aws.iam.Role(
        `${name}-batch-role`,
        {
            assumeRolePolicy: account.accountId.apply(stepFunctionsTrustPolicy),
            permissionsBoundary: security.permissionsBoundary,
            path: security.rolePath,
            tags,
        },
        { parent },
    );
}

/** The state machine's own log group: its runs' errors, without their data. */
function createRunLogs(name: string, deps: ConnectDeps, { parent, tags }: BuildContext): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${name}-batch-logs`,
        {
            // Step Functions delivers to groups under /aws/vendedlogs/ without a resource policy per group.
            namePrefix: `/aws/vendedlogs/states/${name}-`,
            retentionInDays: deps.logRetentionDays,
            kmsKeyId: deps.security.kmsKeyArn,
            tags,
        },
        { parent },
    );
}

/**
 * The role's policies, which name the state machine (its child runs), so they follow it; and the function's
 * permission to check that a batch belongs to a run of this state machine. A run started before they are
 * in place would fail, and `pulumi up` completes only once they are.
 */
function grantRuns(
    name: string,
    b: BatchSettings,
    output: Location,
    parts: { role: aws.iam.Role; machine: aws.sfn.StateMachine; inputBucketArn: pulumi.Output<string> },
    deps: ConnectDeps,
    { parent }: BuildContext,
): void {
    const { account, security } = deps;
    const executions = pulumi.interpolate`arn:${account.partition}:states:${account.region}:${account.accountId}:execution:${parts.machine.name}:*`;
    const policy = pulumi
        .all([parts.inputBucketArn, output.bucketArn, deps.alias.arn, parts.machine.arn, executions])
        .apply(([inputArn, outputArn, aliasArn, machineArn, executionsArn]) =>
            batchPolicy({
                inputBucketArn: inputArn,
                inputPrefix: b.inputPrefix,
                outputBucketArn: outputArn,
                outputPrefix: output.prefix,
                aliasArn,
                stateMachineArn: machineArn,
                executionsArn,
            }),
        );
    new aws.iam.RolePolicy(`${name}-batch-role-run`, { role: parts.role.id, policy }, { parent });
    if (security.kmsKeyArn) {
        const kms = pulumi
            .all([security.kmsKeyArn, account.region])
            .apply(([key, region]) => jobsKmsPolicy(key, region, ["s3"]));
        new aws.iam.RolePolicy(`${name}-batch-role-kms`, { role: parts.role.id, policy: kms }, { parent });
    }
    new aws.iam.RolePolicy(
        `${name}-role-batch-runs`,
        { role: deps.role.id, policy: executions.apply(batchRunsPolicy) },
        { parent },
    );
}

function createStateMachine(
    name: string,
    b: BatchSettings,
    output: Location,
    deps: ConnectDeps,
    ctx: BuildContext,
): aws.sfn.StateMachine {
    const { parent, tags } = ctx;
    const role = createBatchRole(name, deps, ctx);
    const logs = createRunLogs(name, deps, ctx);
    const inputBucket = aws.s3.getBucketOutput({ bucket: b.inputBucket }, { parent });
    const definition = pulumi
        .all([deps.account.partition, inputBucket.bucket, output.bucketName, deps.alias.arn])
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
                namesModel: b.namesModel,
            }),
        );
    const machine = new aws.sfn.StateMachine(
        `${name}-batch`,
        {
            roleArn: role.arn,
            definition,
            type: "STANDARD",
            // Errors of each run, never the rows it read (includeExecutionData off).
            loggingConfiguration: {
                level: "ERROR",
                includeExecutionData: false,
                logDestination: pulumi.interpolate`${logs.arn}:*`,
            },
            tags,
        },
        { parent },
    );
    grantRuns(name, b, output, { role, machine, inputBucketArn: inputBucket.arn }, deps, ctx);
    return machine;
}
