import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { CodeDeployClient, GetDeploymentCommand, ListDeploymentsCommand } from "@aws-sdk/client-codedeploy";
import { BatchGetImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import { endpointFromEnv, requestFromEnv } from "../components/rollout/env";
import { main } from "../components/rollout/main";
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
} from "../components/rollout/rollout";

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

describe("the rollout's environment (read strictly)", () => {
    const good = {
        ROLLOUT_FUNCTION_ARN: FUNCTION_ARN,
        ROLLOUT_ALIAS: "live",
        ROLLOUT_TARGET_VERSION: "8",
        ROLLOUT_APPLICATION: "app",
        ROLLOUT_DEPLOYMENT_GROUP: "g",
        ROLLOUT_TIMEOUT_SECONDS: "2100",
    };

    it("reads a complete request, polling every 15 s unless told", () => {
        assert.deepStrictEqual(requestFromEnv(good), {
            functionArn: FUNCTION_ARN,
            alias: "live",
            targetVersion: "8",
            application: "app",
            deploymentGroup: "g",
            timeoutSeconds: 2100,
            pollSeconds: 15,
        });
        assert.strictEqual(requestFromEnv({ ...good, ROLLOUT_POLL_SECONDS: "5" }).pollSeconds, 5);
    });

    it("refuses every malformed number by name instead of polling forever", () => {
        for (const [name, value] of [
            ["ROLLOUT_POLL_SECONDS", "15s"],
            ["ROLLOUT_POLL_SECONDS", "0"],
            ["ROLLOUT_POLL_SECONDS", "1e3"],
            ["ROLLOUT_TIMEOUT_SECONDS", "-5"],
            ["ROLLOUT_TIMEOUT_SECONDS", "NaN"],
        ]) {
            assert.throws(
                () => requestFromEnv({ ...good, [name]: value }),
                new RegExp(
                    `^EnvironmentError: ${name} must be a whole number of seconds from 1 to \\d+; got "${value}"$`,
                ),
            );
        }
        assert.throws(
            () => requestFromEnv({ ...good, ROLLOUT_TARGET_VERSION: "$LATEST" }),
            /ROLLOUT_TARGET_VERSION must be a published version number; got "\$LATEST"/,
        );
    });

    it("sends AWS calls elsewhere only in the tests' own mode, and only to loopback", () => {
        assert.strictEqual(endpointFromEnv({}), undefined);
        assert.throws(
            () => endpointFromEnv({ LAMBDA_INFERENCE_TEST_ENDPOINT_URL: "http://127.0.0.1:5000" }),
            /LAMBDA_INFERENCE_TEST_ENDPOINT_URL is honoured only with LAMBDA_INFERENCE_TEST_MODE=1/,
        );
        assert.throws(
            () =>
                endpointFromEnv({
                    LAMBDA_INFERENCE_TEST_MODE: "1",
                    LAMBDA_INFERENCE_TEST_ENDPOINT_URL: "https://evil.example.com",
                }),
            /must be a loopback http:\/\/127\.0\.0\.1:<port>; got https:\/\/evil\.example\.com/,
        );
        assert.strictEqual(
            endpointFromEnv({
                LAMBDA_INFERENCE_TEST_MODE: "1",
                LAMBDA_INFERENCE_TEST_ENDPOINT_URL: "http://127.0.0.1:5000",
            }),
            "http://127.0.0.1:5000",
        );
        // The old variable a stray environment might still carry is ignored, not honoured.
        assert.strictEqual(endpointFromEnv({ ROLLOUT_ENDPOINT_URL: "http://attacker:1" }), undefined);
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
        ROLLOUT_FUNCTION_ARN: "arn:aws:lambda:us-east-1:123456789012:function:fn",
        ROLLOUT_ALIAS: "live",
        ROLLOUT_APPLICATION: "app",
        ROLLOUT_DEPLOYMENT_GROUP: "g",
        ROLLOUT_TIMEOUT_SECONDS: "1",
        ROLLOUT_POLL_SECONDS: "1",
        AWS_REGION: "us-east-1",
        LAMBDA_INFERENCE_TEST_MODE: "1",
        LAMBDA_INFERENCE_TEST_ENDPOINT_URL: endpoint,
    });
    const deployments = async () =>
        (
            await new CodeDeployClient({ region: "us-east-1", endpoint }).send(
                new ListDeploymentsCommand({ applicationName: "app", deploymentGroupName: "g" }),
            )
        ).deployments ?? [];

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
        assert.strictEqual(await main(["rollout"], { ...env(), ROLLOUT_TARGET_VERSION: "1" }), 0);
        assert.deepStrictEqual(await deployments(), []);
    });

    it("drill: Ctrl-C in the middle of a rollout, then the next deploy attaches to it instead of failing", async () => {
        // The first deploy's command, a real process, interrupted while it waits for CodeDeploy.
        const child = spawn(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(ROOT, "components", "rollout", "main.ts"), "rollout"],
            { env: { ...env(), ROLLOUT_TARGET_VERSION: "2", ROLLOUT_TIMEOUT_SECONDS: "600" }, cwd: ROOT },
        );
        let out = "";
        child.stdout!.on("data", (chunk) => (out += chunk));
        const started = Date.now();
        while (!/deployment \S+: Created/.test(out)) {
            assert.ok(Date.now() - started < 30_000, `the rollout did not start: ${out}`);
            await new Promise((r) => setTimeout(r, 100));
        }
        child.kill("SIGINT");
        await new Promise((resolve) => child.on("exit", resolve));
        const [id] = await deployments();
        const info = (
            await new CodeDeployClient({ region: "us-east-1", endpoint }).send(
                new GetDeploymentCommand({ deploymentId: id }),
            )
        ).deploymentInfo!;
        assert.strictEqual(info.revision?.appSpecContent?.content, appSpec("fn", "live", "1", "2"));

        // The next deploy of the same version finds the deployment still active and waits for it.
        const lines: string[] = [];
        const log = console.log;
        console.log = (line: string) => lines.push(line);
        let errors: string[];
        try {
            errors = await errorsOf(async () =>
                assert.strictEqual(await main(["rollout"], { ...env(), ROLLOUT_TARGET_VERSION: "2" }), 1),
            );
        } finally {
            console.log = log;
        }
        assert.ok(
            lines.includes(`[rollout] deployment ${id} (Created) already moves live to version 2; waiting for it`),
            lines.join("\n"),
        );
        // moto's deployments never leave "Created": with a second to wait, the rollout gives up and says so.
        assert.match(
            errors[0],
            new RegExp(`^rollout failed: CodeDeploy deployment ${id} is still Created after 1 s; it goes on`),
        );
        assert.deepStrictEqual(await deployments(), [id], "no second deployment was created");
    });

    it("refuses another version while that deployment is active, naming it and how to stop it", async () => {
        const [id] = await deployments();
        const errors = await errorsOf(async () =>
            assert.strictEqual(await main(["rollout"], { ...env(), ROLLOUT_TARGET_VERSION: "3" }), 1),
        );
        assert.deepStrictEqual(errors, [
            `rollout failed: deployment group g already has an active deployment, ${id} (live 1 -> 2), Created; wait for it ` +
                `to finish, or stop it with \`aws deploy stop-deployment --deployment-id ${id} --auto-rollback-enabled\`, ` +
                "then run the deploy again",
        ]);
    });

    it("exits 1 with one line when the request is incomplete, or the command unknown", async () => {
        let errors = await errorsOf(async () =>
            assert.strictEqual(await main(["rollout"], { ...env(), ROLLOUT_TARGET_VERSION: "" }), 1),
        );
        assert.deepStrictEqual(errors, ["rollout failed: ROLLOUT_TARGET_VERSION is not set"]);
        errors = await errorsOf(async () => assert.strictEqual(await main(["deploy"], env()), 1));
        assert.deepStrictEqual(errors, ['deploy failed: unknown command "deploy"; one of rollout, tag-live-image']);
    });

    it("tags the image live runs, so the lifecycle policy keeps it; a second run finds it tagged", async () => {
        const ecr = new ECRClient({ region: "us-east-1", endpoint });
        await ecr.send(new CreateRepositoryCommand({ repositoryName: "fn-repo" }));
        const manifest = JSON.stringify({
            schemaVersion: 2,
            mediaType: "application/vnd.docker.distribution.manifest.v2+json",
            config: {
                mediaType: "application/vnd.docker.container.image.v1+json",
                size: 2,
                digest: `sha256:${"c".repeat(64)}`,
            },
            layers: [],
        });
        const pushed = await ecr.send(
            new PutImageCommand({ repositoryName: "fn-repo", imageManifest: manifest, imageTag: "latest" }),
        );
        const digest = pushed.image!.imageId!.imageDigest!;
        const tagEnv = {
            ...env(),
            LIVE_IMAGE_REPOSITORY: "fn-repo",
            LIVE_IMAGE_REGISTRY_ID: "123456789012",
            LIVE_IMAGE_DIGEST: digest,
            LIVE_IMAGE_TAG: "live",
        };
        const lines: string[] = [];
        const log = console.log;
        console.log = (line: string) => lines.push(line);
        try {
            assert.strictEqual(await main(["tag-live-image"], tagEnv), 0);
            assert.strictEqual(await main(["tag-live-image"], tagEnv), 0);
        } finally {
            console.log = log;
        }
        assert.deepStrictEqual(lines, [
            `[live-image] fn-repo:live now marks ${digest}`,
            `[live-image] fn-repo:live already marks ${digest}`,
        ]);
        const tagged = await ecr.send(
            new BatchGetImageCommand({ repositoryName: "fn-repo", imageIds: [{ imageTag: "live" }] }),
        );
        assert.strictEqual(tagged.images?.[0]?.imageId?.imageDigest, digest);
    });
});
