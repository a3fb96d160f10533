// The role, its policies and the logs.
import { Check, find, json, pass, Planned } from "../types";

export function roleAndLogChecks({ resources, fn, statements }: Planned): Check[] {
    const trust = json(find(resources, "aws:iam/role:Role")?.inputs.assumeRolePolicy);
    const logs = find(resources, "aws:cloudwatch/logGroup:LogGroup")?.inputs ?? {};
    return [
        pass(
            "role trusted by lambda.amazonaws.com only",
            trust?.Statement?.length === 1 &&
                trust.Statement[0].Principal?.Service === "lambda.amazonaws.com" &&
                trust.Statement[0].Action === "sts:AssumeRole",
        ),
        pass(
            "role has no wildcard actions",
            statements.every((s: any) => ![s.Action].flat().some((a: string) => a.includes("*"))),
        ),
        pass(
            "logs kept for a limited time, JSON format, own log group",
            typeof logs.retentionInDays === "number" && fn.loggingConfig?.logFormat === "JSON",
            `${logs.retentionInDays} days`,
        ),
    ];
}
