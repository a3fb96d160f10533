import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { CodeDeployClient, GetDeploymentCommand, ListDeploymentsCommand } from "@aws-sdk/client-codedeploy";
import { main } from "../components/rollout/main";
import {
    alarmsIn,
    appSpec,
    DeploymentState,
    rollOut,
    RolloutClients,
    RolloutError,
} from "../components/rollout/rollout";

const REQUEST = {
    functionName: "demo-fn-1a2b3c",
    alias: "live",
    targetVersion: "8",
    application: "demo-deploy-1a2b3c",
    deploymentGroup: "demo-live",
    timeoutSeconds: 120,
    pollSeconds: 15,
};
const STOPPED_ON_ALARM = "The deployment was stopped because the following alarms were activated: demo-errors-1a2b3c.";

/** A CodeDeploy and Lambda that answer from a script: the alias's version, then each poll's state. */
class FakeAws implements RolloutClients {
    created: { application: string; group: string; appSpec: string; description: string }[] = [];
    constructor(
        private readonly live: string,
        private readonly states: DeploymentState[],
    ) {}
    async liveVersion(functionName: string, alias: string): Promise<string> {
        assert.deepStrictEqual([functionName, alias], [REQUEST.functionName, REQUEST.alias]);
        return this.live;
    }
    async createDeployment(application: string, group: string, spec: string, description: string): Promise<string> {
        this.created.push({ application, group, appSpec: spec, description });
        return "d-ABCDEF123";
    }
    async deploymentState(id: string): Promise<DeploymentState> {
        assert.strictEqual(id, "d-ABCDEF123");
        return this.states.length > 1 ? this.states.shift()! : this.states[0];
    }
}

const noSleep = async () => undefined;

describe("rollout logic (the gradual deployment's trigger, without AWS)", () => {
    it("starts nothing when the alias already serves the target (a re-run is harmless)", async () => {
        const aws = new FakeAws("8", []);
        assert.deepStrictEqual(await rollOut(REQUEST, aws, noSleep), { outcome: "unchanged", version: "8" });
        assert.deepStrictEqual(aws.created, []);
    });

    it("deploys from the live version to the target with a Lambda AppSpec, and waits for success", async () => {
        const aws = new FakeAws("7", [{ status: "Created" }, { status: "InProgress" }, { status: "Succeeded" }]);
        const slept: number[] = [];
        const lines: string[] = [];
        const result = await rollOut(
            REQUEST,
            aws,
            async (s) => void slept.push(s),
            (l) => lines.push(l),
        );
        assert.deepStrictEqual(result, { outcome: "succeeded", deploymentId: "d-ABCDEF123", from: "7", to: "8" });
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
        assert.deepStrictEqual(slept, [15, 15]);
        assert.deepStrictEqual(lines, [
            "CodeDeploy deployment d-ABCDEF123: live 7 -> 8",
            "deployment d-ABCDEF123: Created",
            "deployment d-ABCDEF123: InProgress",
            "deployment d-ABCDEF123: Succeeded",
        ]);
    });

    it("fails naming the deployment and the alarm when CodeDeploy stopped on an alarm and rolled back", async () => {
        const aws = new FakeAws("7", [{ status: "InProgress" }, { status: "Stopped", message: STOPPED_ON_ALARM }]);
        await assert.rejects(
            rollOut(REQUEST, aws, noSleep),
            new RolloutError(
                "CodeDeploy deployment d-ABCDEF123 stopped and rolled live back to version 7: alarm demo-errors-1a2b3c went off " +
                    `(${STOPPED_ON_ALARM})`,
            ),
        );
    });

    it("fails with CodeDeploy's reason when the deployment failed", async () => {
        const aws = new FakeAws("7", [{ status: "Failed", message: "The function's alias could not be updated." }]);
        await assert.rejects(
            rollOut(REQUEST, aws, noSleep),
            /^RolloutError: CodeDeploy deployment d-ABCDEF123 failed and rolled live back to version 7: The function's alias could not be updated\.$/,
        );
    });

    it("gives up after its timeout, saying CodeDeploy goes on", async () => {
        const aws = new FakeAws("7", [{ status: "InProgress" }]);
        await assert.rejects(
            rollOut({ ...REQUEST, timeoutSeconds: 30 }, aws, noSleep),
            /CodeDeploy deployment d-ABCDEF123 is still InProgress after 30 s; it goes on/,
        );
    });

    it("finds the alarms in CodeDeploy's message", () => {
        assert.deepStrictEqual(alarmsIn(STOPPED_ON_ALARM), ["demo-errors-1a2b3c"]);
        assert.deepStrictEqual(alarmsIn("the following alarms were activated: a-1, b-2"), ["a-1", "b-2"]);
        assert.deepStrictEqual(alarmsIn("Deployment failed"), []);
        assert.deepStrictEqual(alarmsIn(undefined), []);
    });
});

const ROOT = path.resolve(__dirname, "..");
const MOTO = path.join(ROOT, ".venv", "bin", "moto_server");

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

async function waitForPort(port: number): Promise<void> {
    for (let i = 0; i < 150; i++) {
        const open = await new Promise<boolean>((resolve) => {
            const socket = net
                .connect(port, "127.0.0.1", () => resolve(socket.end() && true))
                .on("error", () => resolve(false));
        });
        if (open) {
            return;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not listen on ${port}`);
}

/** The lines `fn` writes to console.error (the rollout's one-line failures). */
async function errorsOf(fn: () => Promise<void>): Promise<string[]> {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
        await fn();
    } finally {
        console.error = original;
    }
    return errors;
}

/** Sets up the function, its alias and the CodeDeploy group in moto with boto3 (from the project's venv). */
function setUp(endpoint: string): void {
    const script = `
import boto3, json
kw = dict(endpoint_url="${endpoint}", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
role = boto3.client("iam", **kw).create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
lam = boto3.client("lambda", **kw)
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/r@sha256:" + "a" * 64
lam.create_function(FunctionName="fn", Role=role, PackageType="Image", Code={"ImageUri": image}, Publish=True)
lam.update_function_configuration(FunctionName="fn", MemorySize=2048)
lam.publish_version(FunctionName="fn")
lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
cd = boto3.client("codedeploy", **kw)
cd.create_application(applicationName="app", computePlatform="Lambda")
cd.create_deployment_group(applicationName="app", deploymentGroupName="g", serviceRoleArn=role,
    deploymentConfigName="CodeDeployDefault.LambdaCanary10Percent5Minutes",
    deploymentStyle={"deploymentOption": "WITH_TRAFFIC_CONTROL", "deploymentType": "BLUE_GREEN"})
`;
    const done = spawnSync(path.join(ROOT, ".venv", "bin", "python"), ["-c", script], { encoding: "utf8" });
    assert.strictEqual(done.status, 0, done.stderr);
}

describe("rollout command against moto (the AWS SDK calls, for real over HTTP)", function () {
    this.timeout(60_000);
    let moto: ChildProcess;
    let endpoint: string;
    const saved = { ...process.env };
    const env = () => ({
        ...process.env,
        ROLLOUT_FUNCTION: "fn",
        ROLLOUT_ALIAS: "live",
        ROLLOUT_APPLICATION: "app",
        ROLLOUT_DEPLOYMENT_GROUP: "g",
        ROLLOUT_TIMEOUT_SECONDS: "0",
        AWS_REGION: "us-east-1",
        ROLLOUT_ENDPOINT_URL: endpoint,
    });

    before(async function () {
        assert.ok(fs.existsSync(MOTO), `${MOTO} is missing: run scripts/setup.sh`);
        const port = await freePort();
        endpoint = `http://127.0.0.1:${port}`;
        moto = spawn(MOTO, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
        await waitForPort(port);
        setUp(endpoint);
        Object.assign(process.env, { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" });
    });
    after(() => {
        moto?.kill();
        process.env = saved;
    });

    it("exits 0 and deploys nothing when live already serves the target", async () => {
        assert.strictEqual(await main({ ...env(), ROLLOUT_TARGET_VERSION: "1" }), 0);
        const client = new CodeDeployClient({ region: "us-east-1", endpoint });
        const listed = await client.send(
            new ListDeploymentsCommand({ applicationName: "app", deploymentGroupName: "g" }),
        );
        assert.deepStrictEqual(listed.deployments, []);
    });

    it("creates the deployment with the AppSpec from the live version, and exits 1 when it does not finish", async () => {
        const errors = await errorsOf(async () =>
            assert.strictEqual(await main({ ...env(), ROLLOUT_TARGET_VERSION: "2" }), 1),
        );
        // moto's deployments never leave "Created": with no time to wait, the rollout gives up and says so.
        assert.match(errors[0], /^rollout failed: CodeDeploy deployment \S+ is still Created after 0 s; it goes on/);
        const client = new CodeDeployClient({ region: "us-east-1", endpoint });
        const [id] = (
            await client.send(new ListDeploymentsCommand({ applicationName: "app", deploymentGroupName: "g" }))
        ).deployments!;
        const info = (await client.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
        assert.strictEqual(info.revision?.appSpecContent?.content, appSpec("fn", "live", "1", "2"));
    });

    it("exits 1 with one line when the request is incomplete", async () => {
        const errors = await errorsOf(async () =>
            assert.strictEqual(await main({ ...env(), ROLLOUT_TARGET_VERSION: "" }), 1),
        );
        assert.deepStrictEqual(errors, ["rollout failed: ROLLOUT_TARGET_VERSION is not set"]);
    });
});
