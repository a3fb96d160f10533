import { DEPLOYMENT_STRATEGIES, GRADUAL_STRATEGIES } from "../defaults";
import { documentMismatch } from "../signature";
import { Check, isKnown, oneOfProblem, Problem, signatureOf } from "./problems";

/** True for one of CodeDeploy's gradual configurations. */
export function isGradual(strategy: string | undefined): strategy is string {
    return strategy !== undefined && Object.hasOwn(GRADUAL_STRATEGIES, strategy);
}

/** The strategy, what a gradual one needs (alarms, an older image), where alarms go and the smoke event. */
export const checkRollout: Check = (a, facts) => {
    const problems: Problem[] = oneOfProblem("deploymentStrategy", a.deploymentStrategy, DEPLOYMENT_STRATEGIES);
    if (isGradual(a.deploymentStrategy)) {
        if (a.enableAlarms === false) {
            problems.push({
                propertyPath: "enableAlarms",
                reason: `must be true with deploymentStrategy ${JSON.stringify(a.deploymentStrategy)}: CodeDeploy rolls back on the component's alarms`,
            });
        }
        if (typeof a.keepImages === "number" && a.keepImages < 2) {
            problems.push({
                propertyPath: "keepImages",
                reason: `must be at least 2 with a gradual deploymentStrategy: the old version keeps serving (and may be rolled back to) until the shift completes; got ${a.keepImages}`,
            });
        }
    }
    for (const [i, action] of (Array.isArray(a.alarmActions) ? a.alarmActions : []).entries()) {
        if (isKnown(action) && !/^arn:aws[a-z-]*:/.test(String(action))) {
            problems.push({
                propertyPath: `alarmActions[${i}]`,
                reason: `must be an ARN; got ${JSON.stringify(action)}`,
            });
        }
    }
    const rate = a.maxClientErrorRate;
    if (rate !== undefined && (typeof rate !== "number" || !(rate >= 0.01 && rate <= 1))) {
        problems.push({
            propertyPath: "maxClientErrorRate",
            reason: `must be a number from 0.01 to 1 (a share of the version's answers); got ${JSON.stringify(rate)}`,
        });
    }
    const event = isKnown(a.smokeTestEvent) ? parseObject(String(a.smokeTestEvent)) : undefined;
    if (isKnown(a.smokeTestEvent) && event === undefined) {
        problems.push({
            propertyPath: "smokeTestEvent",
            reason: `must be a JSON object the function accepts, such as {"features": [...]}; got ${JSON.stringify(a.smokeTestEvent)}`,
        });
    }
    if (a.smokeTest === false && a.smokeTestEvent !== undefined) {
        problems.push({ propertyPath: "smokeTestEvent", reason: "is not sent with smokeTest false" });
    }
    const signature = signatureOf(facts);
    const mismatch = event && signature && a.smokeTest !== false ? documentMismatch(event, signature) : undefined;
    if (mismatch) {
        problems.push({
            propertyPath: "smokeTestEvent",
            reason: `does not fit the model its signature describes (${mismatch}): every deploy would fail its smoke test; leave it out to send the signature's own sample`,
        });
    }
    return problems;
};

/** The JSON object `text` holds, or undefined when it holds something else or nothing. */
export function parseObject(text: string): { [key: string]: unknown } | undefined {
    try {
        const value: unknown = JSON.parse(text);
        return typeof value === "object" && value !== null && !Array.isArray(value)
            ? (value as { [key: string]: unknown })
            : undefined;
    } catch {
        return undefined;
    }
}
