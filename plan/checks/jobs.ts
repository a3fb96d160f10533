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
        );
    }
    const machine = find(resources, "aws:sfn/stateMachine:StateMachine");
    if (machine) {
        const role = resources.find((r) => r.type === "aws:iam/role:Role" && r.name === `${machine.name}-role`);
        const trust = json(role?.inputs.assumeRolePolicy)?.Statement?.[0];
        const run = json(find(resources, "aws:iam/rolePolicy:RolePolicy", `${machine.name}-role-run`)?.inputs.policy);
        const invoke = (run?.Statement ?? []).find((s: any) => s.Sid === "InvokeLiveAlias");
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
        );
    }
    return checks;
}
