// Queued inference and batch transform, when the component makes them.
import { Check, find, json, pass, Planned } from "../types";

const QUEUE = "aws:sqs/queue:Queue";

/** The queue's guard rails and the batch state machine's reach; nothing when neither is asked for. */
export function jobsChecks({ resources }: Planned): Check[] {
    const checks: Check[] = [];
    const queues = resources.filter((r) => r.type === QUEUE);
    if (queues.length > 0) {
        const queue = queues.find((q) => q.inputs.redrivePolicy !== undefined);
        const redrive = json(queue?.inputs.redrivePolicy);
        const tlsOnly = resources.filter((r) => r.type === "aws:sqs/queuePolicy:QueuePolicy");
        const mapping = find(resources, "aws:lambda/eventSourceMapping:EventSourceMapping")?.inputs;
        const deadLetter = queues.find((q) => q.inputs.redrivePolicy === undefined);
        const alarms = resources
            .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
            .map((r) => r.inputs);
        checks.push(
            pass(
                "queues encrypted at rest (SQS keys, or the customer-managed key)",
                queues.every((q) => q.inputs.sqsManagedSseEnabled === true || q.inputs.kmsMasterKeyId !== undefined),
            ),
            pass(
                "failing messages go to a dead-letter queue after maxReceiveCount",
                typeof redrive?.maxReceiveCount === "number",
                `after ${redrive?.maxReceiveCount} receives`,
            ),
            pass(
                "both queues refuse requests without TLS",
                tlsOnly.length === queues.length &&
                    tlsOnly.every((p) => json(p.inputs.policy)?.Statement?.[0]?.Effect === "Deny"),
            ),
            pass(
                "the queue drives the live alias, redelivering only the messages that failed",
                String(mapping?.functionName ?? "").endsWith(":live") &&
                    (mapping?.functionResponseTypes ?? []).includes("ReportBatchItemFailures"),
            ),
            pass(
                "the dead-letter queue keeps a message longer than the queue (both count from its first send)",
                (deadLetter?.inputs.messageRetentionSeconds ?? 0) > (queue?.inputs.messageRetentionSeconds ?? Infinity),
                `${deadLetter?.inputs.messageRetentionSeconds} s against ${queue?.inputs.messageRetentionSeconds} s`,
            ),
            pass(
                "the queue's dead letters and backlog are alarmed",
                ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"].every((metric) =>
                    alarms.some((a) => a.namespace === "AWS/SQS" && a.metricName === metric),
                ),
            ),
        );
    }
    const machine = find(resources, "aws:sfn/stateMachine:StateMachine");
    if (machine) {
        const role = resources.find((r) => r.type === "aws:iam/role:Role" && r.name === `${machine.name}-role`);
        const trust = json(role?.inputs.assumeRolePolicy)?.Statement?.[0];
        const run = json(find(resources, "aws:iam/rolePolicy:RolePolicy", `${machine.name}-role-run`)?.inputs.policy);
        const invoke = (run?.Statement ?? []).find((s: any) => s.Sid === "InvokeLiveAlias");
        const logging = machine.inputs.loggingConfiguration;
        const runs = json(
            find(resources, "aws:iam/rolePolicy:RolePolicy", `${machine.name.replace(/-batch$/, "")}-role-batch-runs`)
                ?.inputs.policy,
        );
        checks.push(
            pass(
                "the batch state machine's role is trusted only by this account's Step Functions",
                trust?.Principal?.Service === "states.amazonaws.com" &&
                    trust?.Condition?.StringEquals?.["aws:SourceAccount"] !== undefined,
            ),
            pass(
                "the batch state machine invokes only the live alias",
                typeof invoke?.Resource === "string" && invoke.Resource.endsWith(":live"),
                String(invoke?.Resource ?? "none"),
            ),
            pass(
                "the batch state machine logs its runs' errors, without the rows they read",
                logging?.level !== undefined && logging.level !== "OFF" && logging.includeExecutionData === false,
            ),
            pass(
                "the function scores only batches of the batch state machine's own runs",
                (runs?.Statement ?? []).some(
                    (s: any) =>
                        s.Action?.includes("states:DescribeExecution") && /:execution:[^:]+:\*$/.test(s.Resource),
                ),
            ),
        );
    }
    return checks;
}
