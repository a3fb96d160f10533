// The rollout area: how a new version reaches traffic (all at once, or a CodeDeploy shift), the alarms
// that judge it, and the smoke event each new version must answer first.
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "../args";
import { DEFAULTS, DEPLOYMENT_STRATEGIES, GRADUAL_STRATEGIES } from "../defaults";
import { RolloutSettings } from "../resolved";
import { documentMismatch } from "../signature";
import { parseObject } from "../json";
import { Area, area, Facts, isKnown, numberProblem, oneOfProblem, Problem, signatureOf } from "./problems";

/** True for one of CodeDeploy's gradual configurations. */
export function isGradual(strategy: string | undefined): strategy is string {
    return strategy !== undefined && Object.hasOwn(GRADUAL_STRATEGIES, strategy);
}

/** What a gradual strategy needs: the alarms it rolls back on, and an older image to serve meanwhile. */
function gradualProblems(a: InferenceFunctionArgs): Problem[] {
    if (!isGradual(a.deploymentStrategy)) {
        return [];
    }
    const problems: Problem[] = [];
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
    return problems;
}

/** The smoke event: JSON the function accepts, that fits the model its signature describes. */
function smokeProblems(a: InferenceFunctionArgs, facts: Facts, smokeTest: boolean): Problem[] {
    const event = isKnown(a.smokeTestEvent) ? parseObject(String(a.smokeTestEvent)) : undefined;
    const problems: Problem[] = [];
    if (isKnown(a.smokeTestEvent) && event === undefined) {
        problems.push({
            propertyPath: "smokeTestEvent",
            reason: `must be a JSON object the function accepts, such as {"features": [...]}; got ${JSON.stringify(a.smokeTestEvent)}`,
        });
    }
    if (!smokeTest && a.smokeTestEvent !== undefined) {
        problems.push({ propertyPath: "smokeTestEvent", reason: "is not sent with smokeTest false" });
    }
    const signature = signatureOf(facts);
    const mismatch = event && signature && smokeTest ? documentMismatch(event, signature) : undefined;
    if (mismatch) {
        problems.push({
            propertyPath: "smokeTestEvent",
            reason: `does not fit the model its signature describes (${mismatch}): every deploy would fail its smoke test; leave it out to send the signature's own sample`,
        });
    }
    return problems;
}

/** The event each new version must answer: the one given, else the signature's sample; none when turned off. */
function smokeTestEventOf(
    a: InferenceFunctionArgs,
    facts: Facts,
    smokeTest: boolean,
): pulumi.Input<string> | undefined {
    if (!smokeTest) {
        return undefined;
    }
    const sample = signatureOf(facts)?.sample;
    return a.smokeTestEvent ?? (sample ? JSON.stringify(sample) : undefined);
}

/** The strategy, what a gradual one needs, where alarms go and the smoke event. */
export function rolloutArea(a: InferenceFunctionArgs, facts: Facts): Area<RolloutSettings> {
    const smokeTest = a.smokeTest ?? DEFAULTS.smokeTest;
    const problems: Problem[] = [
        ...oneOfProblem("deploymentStrategy", a.deploymentStrategy, DEPLOYMENT_STRATEGIES),
        ...gradualProblems(a),
    ];
    for (const [i, action] of (Array.isArray(a.alarmActions) ? a.alarmActions : []).entries()) {
        if (isKnown(action) && !/^arn:aws[a-z-]*:/.test(String(action))) {
            problems.push({
                propertyPath: `alarmActions[${i}]`,
                reason: `must be an ARN; got ${JSON.stringify(action)}`,
            });
        }
    }
    problems.push(
        ...numberProblem("maxClientErrorRate", a.maxClientErrorRate, 0.01, 1, " (a share of the version's answers)"),
        ...smokeProblems(a, facts, smokeTest),
    );
    return area(problems, () => {
        const alarms = {
            actions: a.alarmActions,
            maxClientErrorRate: a.maxClientErrorRate ?? DEFAULTS.maxClientErrorRate,
        };
        const smokeTestEvent = smokeTestEventOf(a, facts, smokeTest);
        if (isGradual(a.deploymentStrategy)) {
            const strategy = a.deploymentStrategy;
            return { kind: "gradual", strategy, minutes: GRADUAL_STRATEGIES[strategy], alarms, smokeTestEvent };
        }
        const enableAlarms = a.enableAlarms ?? DEFAULTS.enableAlarms;
        return { kind: "allAtOnce", alarms: enableAlarms ? alarms : undefined, smokeTestEvent };
    });
}
