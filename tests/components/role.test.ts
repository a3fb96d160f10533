import * as assert from "assert";
import { deploy, FIXTURE_MODEL, FIXTURE_MODEL_READ } from "../harness";
import { ofType, one, valueOf } from "../mocks";

const LOG_GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/demo-0001";

function policyOf(name: string): any {
    return JSON.parse(one("aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
}

describe("hardening", () => {
    it("passes the organisation's permissions boundary and role path to the role", async () => {
        const boundary = "arn:aws:iam::123456789012:policy/DeveloperBoundary";
        await deploy({ modelPath: FIXTURE_MODEL, permissionsBoundary: boundary, rolePath: "/service-roles/lambda/" });
        const role = one("aws:iam/role:Role").inputs;
        assert.strictEqual(role.permissionsBoundary, boundary);
        assert.strictEqual(role.path, "/service-roles/lambda/");
    });
});

describe("IAM role", () => {
    it("is trusted by lambda.amazonaws.com only", async () => {
        const fn = await deploy();
        const role = one("aws:iam/role:Role");
        assert.strictEqual(role.name, "demo-role");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        assert.strictEqual("managedPolicyArns" in role.inputs, false);
        assert.strictEqual(ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
        assert.strictEqual(await valueOf(fn.roleArn), "arn:aws:iam::123456789012:role/demo-role-1a2b3c");
        assert.strictEqual(
            one("aws:lambda/function:Function").inputs.role,
            "arn:aws:iam::123456789012:role/demo-role-1a2b3c",
        );
    });

    it("has exactly two policies by default: its own log group, and the model object", async () => {
        await deploy();
        assert.deepStrictEqual(
            ofType("aws:iam/rolePolicy:RolePolicy")
                .map((p) => p.name)
                .sort(),
            ["demo-role-logs", FIXTURE_MODEL_READ],
        );
        assert.deepStrictEqual(policyOf("demo-role-logs"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "WriteOwnLogGroup",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `${LOG_GROUP_ARN}:*`,
                },
            ],
        });
        assert.deepStrictEqual(policyOf(FIXTURE_MODEL_READ), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ReadModelObject",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:GetObjectVersion"],
                    Resource: "arn:aws:s3:::demo-models-1a2b3c/models/model.joblib",
                },
            ],
        });
        for (const p of ofType("aws:iam/rolePolicy:RolePolicy")) {
            assert.strictEqual(p.inputs.role, "demo-role-1a2b3c-id");
            for (const s of JSON.parse(p.inputs.policy).Statement) {
                assert.notStrictEqual(s.Resource, "*", `${p.name} must not grant on *`);
                assert.ok(![s.Action].flat().some((a: string) => a.includes("*")), `${p.name} has a wildcard action`);
            }
        }
    });

    it("adds the ENI actions (AWS requires Resource *) only for a VPC function", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, vpcSubnetIds: ["subnet-1"], vpcSecurityGroupIds: ["sg-1"] });
        assert.deepStrictEqual(policyOf("demo-role-vpc-access"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ManageFunctionNetworkInterfaces",
                    Effect: "Allow",
                    Action: [
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    Resource: "*",
                },
            ],
        });
    });

    it("adds the X-Ray write actions only when tracing is on", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, enableTracing: true });
        assert.deepStrictEqual(policyOf("demo-role-tracing"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "WriteTraces",
                    Effect: "Allow",
                    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                    Resource: "*",
                },
            ],
        });
        assert.strictEqual(ofType("aws:iam/rolePolicy:RolePolicy").length, 3);
    });
});
