import * as assert from "assert";
import {
    ActiveDeployment,
    AliasState,
    alarmsIn,
    appSpec,
    DeploymentState,
    functionNameOf,
    rollOut,
    RolloutClients,
    RolloutError,
    versionsIn,
} from "../../../components/rollout/rollout";

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c";
const REQUEST = {
    functionArn: FUNCTION_ARN,
    alias: "live",
    targetVersion: "8",
    application: "demo-deploy-1a2b3c",
    deploymentGroup: "demo-live",
    timeoutSeconds: 120,
    pollSeconds: 15,
};
const STOPPED_ON_ALARM = "The deployment was stopped because the following alarms were activated: demo-errors-1a2b3c.";
const only = (version: string): AliasState => ({ version, weights: {} });

/** A CodeDeploy and Lambda that answer from a script: the alias before and after, active deployments, each poll. */
class FakeAws implements RolloutClients {
    created: { application: string; group: string; appSpec: string; description: string }[] = [];
    polled: string[] = [];
    constructor(
        private readonly aliases: AliasState[],
        private readonly states: DeploymentState[],
        private readonly active: ActiveDeployment[] = [],
    ) {}
    async alias(functionArn: string, alias: string): Promise<AliasState> {
        assert.deepStrictEqual([functionArn, alias], [FUNCTION_ARN, REQUEST.alias], "calls name the function by ARN");
        return this.aliases.length > 1 ? this.aliases.shift()! : this.aliases[0];
    }
    async activeDeployments(application: string, group: string): Promise<ActiveDeployment[]> {
        assert.deepStrictEqual([application, group], [REQUEST.application, REQUEST.deploymentGroup]);
        return this.active;
    }
    async createDeployment(application: string, group: string, spec: string, description: string): Promise<string> {
        this.created.push({ application, group, appSpec: spec, description });
        return "d-ABCDEF123";
    }
    async deploymentState(id: string): Promise<DeploymentState> {
        this.polled.push(id);
        return this.states.length > 1 ? this.states.shift()! : this.states[0];
    }
}

const noSleep = async () => undefined;

describe("rollout logic (the gradual deployment's trigger, without AWS)", () => {
    it("starts nothing when the alias already serves the target alone (a re-run is harmless)", async () => {
        const aws = new FakeAws([only("8")], []);
        assert.deepStrictEqual(await rollOut(REQUEST, aws, noSleep), { outcome: "unchanged", version: "8" });
        assert.deepStrictEqual(aws.created, []);
    });

    it("deploys from the live version to the target with a Lambda AppSpec, waits, and checks the alias", async () => {
        const aws = new FakeAws(
            [only("7"), only("8")],
            [{ status: "Created" }, { status: "InProgress" }, { status: "Succeeded" }],
        );
        const slept: number[] = [];
        const lines: string[] = [];
        const result = await rollOut(
            REQUEST,
            aws,
            async (s) => void slept.push(s),
            (l) => lines.push(l),
        );
        assert.deepStrictEqual(result, {
            outcome: "succeeded",
            deploymentId: "d-ABCDEF123",
            from: "7",
            to: "8",
            attached: false,
        });
        assert.deepStrictEqual(aws.created, [
            {
                application: "demo-deploy-1a2b3c",
                group: "demo-live",
                appSpec: appSpec("demo-fn-1a2b3c", "live", "7", "8"),
                description: "lambda-inference: demo-fn-1a2b3c live 7 -> 8",
            },
        ]);
        assert.deepStrictEqual(JSON.parse(aws.created[0].appSpec), {
            version: 0,
            Resources: [
                {
                    "demo-fn-1a2b3c": {
                        Type: "AWS::Lambda::Function",
                        Properties: { Name: "demo-fn-1a2b3c", Alias: "live", CurrentVersion: "7", TargetVersion: "8" },
                    },
                },
            ],
        });
        assert.deepStrictEqual(versionsIn(aws.created[0].appSpec), { current: "7", target: "8" });
        assert.deepStrictEqual(slept, [15, 15]);
        assert.deepStrictEqual(lines, [
            "CodeDeploy deployment d-ABCDEF123: live 7 -> 8",
            "deployment d-ABCDEF123: Created",
            "deployment d-ABCDEF123: InProgress",
            "deployment d-ABCDEF123: Succeeded",
        ]);
    });

    it("reports what the alias serves after CodeDeploy stopped on an alarm, naming the deployment and the alarm", async () => {
        const aws = new FakeAws(
            [only("7"), only("7")],
            [{ status: "InProgress" }, { status: "Stopped", message: STOPPED_ON_ALARM }],
        );
        await assert.rejects(
            rollOut(REQUEST, aws, noSleep),
            new RolloutError(
                `CodeDeploy deployment d-ABCDEF123 stopped: alarm demo-errors-1a2b3c went off (${STOPPED_ON_ALARM}); live serves version 7`,
            ),
        );
    });

    it("says so when a failed rollback left the alias split, and how to move it back", async () => {
        const aws = new FakeAws(
            [only("7"), { version: "7", weights: { "8": 0.1 } }],
            [{ status: "Failed", message: "The function's alias could not be updated." }],
        );
        await assert.rejects(
            rollOut(REQUEST, aws, noSleep),
            new RolloutError(
                "CodeDeploy deployment d-ABCDEF123 failed: The function's alias could not be updated.; live is left split, " +
                    "serving version 7 and 10% on version 8: move it back with " +
                    `\`aws lambda update-alias --function-name ${FUNCTION_ARN} --name live --function-version 7 --routing-config '{}'\``,
            ),
        );
    });

    it("does not believe a success the alias does not show", async () => {
        const aws = new FakeAws([only("7"), only("7")], [{ status: "Succeeded" }]);
        await assert.rejects(
            rollOut(REQUEST, aws, noSleep),
            new RolloutError("CodeDeploy deployment d-ABCDEF123 succeeded, but live serves version 7, not version 8"),
        );
    });

    it("attaches to a deployment already moving the alias to this version (after Ctrl-C or a timeout)", async () => {
        const active = [{ id: "d-EARLIER", status: "InProgress", current: "7", target: "8" }];
        const aws = new FakeAws(
            [{ version: "7", weights: { "8": 0.1 } }, only("8")],
            [{ status: "Succeeded" }],
            active,
        );
        const lines: string[] = [];
        const result = await rollOut(REQUEST, aws, noSleep, (l) => lines.push(l));
        assert.deepStrictEqual(result, {
            outcome: "succeeded",
            deploymentId: "d-EARLIER",
            from: "7",
            to: "8",
            attached: true,
        });
        assert.deepStrictEqual(aws.created, [], "no second deployment");
        assert.deepStrictEqual(aws.polled, ["d-EARLIER"]);
        assert.strictEqual(
            lines[0],
            "deployment d-EARLIER (InProgress) already moves live to version 8; waiting for it",
        );
    });

    it("refuses to start while another version's deployment is active, naming it and how to stop it", async () => {
        const active = [{ id: "d-OTHER", status: "InProgress", current: "6", target: "7" }];
        const aws = new FakeAws([only("6")], [], active);
        await assert.rejects(
            rollOut(REQUEST, aws, noSleep),
            new RolloutError(
                "deployment group demo-live already has an active deployment, d-OTHER (live 6 -> 7), InProgress; " +
                    "wait for it to finish, or stop it with `aws deploy stop-deployment --deployment-id d-OTHER " +
                    "--auto-rollback-enabled`, then run the deploy again",
            ),
        );
        assert.deepStrictEqual(aws.created, []);
    });

    it("gives up after its timeout, saying CodeDeploy goes on", async () => {
        const aws = new FakeAws([only("7")], [{ status: "InProgress" }]);
        await assert.rejects(
            rollOut({ ...REQUEST, timeoutSeconds: 30 }, aws, noSleep),
            /CodeDeploy deployment d-ABCDEF123 is still InProgress after 30 s; it goes on/,
        );
    });

    it("finds the alarms in CodeDeploy's message, and the function's name in its ARN", () => {
        assert.deepStrictEqual(alarmsIn(STOPPED_ON_ALARM), ["demo-errors-1a2b3c"]);
        assert.deepStrictEqual(alarmsIn("the following alarms were activated: a-1, b-2"), ["a-1", "b-2"]);
        assert.deepStrictEqual(alarmsIn("Deployment failed"), []);
        assert.deepStrictEqual(alarmsIn(undefined), []);
        assert.strictEqual(functionNameOf(FUNCTION_ARN), "demo-fn-1a2b3c");
        assert.throws(() => functionNameOf("demo-fn"), /demo-fn is not an unqualified Lambda function ARN/);
        assert.throws(() => functionNameOf(`${FUNCTION_ARN}:live`), /is not an unqualified Lambda function ARN/);
    });
});
