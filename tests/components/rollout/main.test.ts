import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { CodeDeployClient, GetDeploymentCommand, ListDeploymentsCommand } from "@aws-sdk/client-codedeploy";
import { BatchGetImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import { main } from "../../../components/rollout/main";
import { appSpec } from "../../../components/rollout/rollout";

const ROOT = path.resolve(__dirname, "..", "..", "..");
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
