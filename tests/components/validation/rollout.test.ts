import * as assert from "assert";
import { InferenceFunctionArgs } from "../../../components";
import { FIXTURE_MODEL, rejected } from "../../harness";

const GRADUAL: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" };

describe("bad rollout settings", () => {
    it("are all refused at once, registering nothing", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            deploymentStrategy: "Canary50Percent",
            alarmActions: ["oncall"],
            smokeTestEvent: "[1, 2]",
            provisionedConcurrencyMax: 4,
            provisionedConcurrencyTargetUtilization: 0.95,
        });
        assert.deepStrictEqual(
            e.errors.map((p) => p.propertyPath),
            [
                "provisionedConcurrencyTargetUtilization",
                "provisionedConcurrencyMax",
                "deploymentStrategy",
                "alarmActions[0]",
                "smokeTestEvent",
            ],
        );
        assert.deepStrictEqual(e.errors.slice(0, 2), [
            {
                propertyPath: "provisionedConcurrencyTargetUtilization",
                reason: "must be a number from 0.1 to 0.9; got 0.95",
            },
            {
                propertyPath: "provisionedConcurrencyMax",
                reason: "needs provisionedConcurrency, the lower bound autoscaling starts from",
            },
        ]);
        assert.match(
            e.errors[2].reason,
            /^must be one of "AllAtOnce", "Canary10Percent5Minutes", .*"Linear10PercentEvery10Minutes"; got "Canary50Percent"$/,
        );
        assert.deepStrictEqual(e.errors.slice(3), [
            { propertyPath: "alarmActions[0]", reason: 'must be an ARN; got "oncall"' },
            {
                propertyPath: "smokeTestEvent",
                reason: 'must be a JSON object the function accepts, such as {"features": [...]}; got "[1, 2]"',
            },
        ]);
    });

    it("a gradual strategy needs its alarms and an image to roll back to", async () => {
        const e = await rejected({ ...GRADUAL, enableAlarms: false, keepImages: 1 });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "enableAlarms",
                reason: 'must be true with deploymentStrategy "Canary10Percent5Minutes": CodeDeploy rolls back on the component\'s alarms',
            },
            {
                propertyPath: "keepImages",
                reason: "must be at least 2 with a gradual deploymentStrategy: the old version keeps serving (and may be rolled back to) until the shift completes; got 1",
            },
        ]);
    });
});
