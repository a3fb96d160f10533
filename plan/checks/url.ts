// The function URL, when there is one.
import { Check, find, pass, Planned } from "../types";

export function urlChecks({ resources, fn }: Planned): Check[] {
    const url = find(resources, "aws:lambda/functionUrl:FunctionUrl")?.inputs;
    if (!url) {
        return [];
    }
    const list = [pass("function URL requires IAM auth", url.authorizationType === "AWS_IAM", url.authorizationType)];
    if (url.authorizationType === "NONE") {
        list.push(
            pass(
                "a public function URL has a concurrency ceiling",
                typeof fn.reservedConcurrentExecutions === "number",
                `reservedConcurrency ${fn.reservedConcurrentExecutions}`,
            ),
        );
    }
    return list;
}
