// Every policy document the component writes, as pure functions of the ARNs
// they name: tested directly, and shared by the builders and the offline plan.
import { CACHE_TAG } from "./defaults";

const VERSION = "2012-10-17";

export const ASSUME_ROLE_POLICY = JSON.stringify({
    Version: VERSION,
    Statement: [
        {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
        },
    ],
});

/** A one-statement Allow policy document. */
function allow(sid: string, actions: string[], resource: string): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [{ Sid: sid, Effect: "Allow", Action: actions, Resource: resource }],
    });
}

export function logsPolicy(logGroupArn: string): string {
    return allow("WriteOwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], `${logGroupArn}:*`);
}

export function modelReadPolicy(modelObjectArn: string): string {
    return allow("ReadModelObject", ["s3:GetObject", "s3:GetObjectVersion"], modelObjectArn);
}

/** Lambda manages the function's network interfaces; EC2 allows these actions only on "*". */
export const VPC_ACCESS_POLICY = allow(
    "ManageFunctionNetworkInterfaces",
    [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ],
    "*",
);

/** X-Ray has no resource-level permissions for writing traces, so "*" is the only resource. */
export const TRACING_POLICY = allow("WriteTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*");

/** CodeDeploy may act for the deployment group: trusted only by codedeploy.amazonaws.com. */
export const CODEDEPLOY_TRUST_POLICY = JSON.stringify({
    Version: VERSION,
    Statement: [{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * What CodeDeploy needs to shift this function's alias: read and update the
 * alias (and its provisioned concurrency) of this one function, and read the
 * alarms it watches (DescribeAlarms has no resource-level permissions).
 */
export function codeDeployPolicy(functionArn: string): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            {
                Sid: "ShiftThisFunctionsAlias",
                Effect: "Allow",
                Action: ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"],
                Resource: [functionArn, `${functionArn}:*`],
            },
            { Sid: "WatchTheAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: "*" },
        ],
    });
}

/** Decrypt with the one customer-managed key given, for the model object (SSE-KMS). */
export function kmsDecryptPolicy(keyArn: string): string {
    return allow("DecryptWithModelKey", ["kms:Decrypt"], keyArn);
}

/**
 * The repository policy Lambda needs to pull the image: only the Lambda
 * service, only the two read actions, only for functions of this account in
 * this region. Managing it here means a least-privilege deployer needs no
 * ecr:SetRepositoryPolicy, and Lambda never writes a policy Pulumi does not know.
 */
export function lambdaPullPolicy(partition: string, region: string, account: string): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            {
                Sid: "LambdaPullsFunctionImages",
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                Condition: {
                    StringLike: { "aws:sourceArn": `arn:${partition}:lambda:${region}:${account}:function:*` },
                },
            },
        ],
    });
}

/** Denies every request that does not come over TLS, to the bucket and its objects. */
export function tlsOnlyPolicy(bucketArn: string): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/**
 * The ECR lifecycle policy. Rule 1 keeps the build cache manifest out of
 * reach of rule 2 (an image matched by a higher-priority rule is never expired
 * by a lower one), so the cache does not count against `keepImages` and is
 * never deleted. Rule 2 keeps the newest `keepImages` images: the function
 * always runs the newest one, so it is never expired while live.
 */
export function lifecyclePolicy(keepImages: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: "Keep the registry build cache",
                selection: {
                    tagStatus: "tagged",
                    tagPrefixList: [CACHE_TAG],
                    countType: "imageCountMoreThan",
                    countNumber: 1,
                },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the newest ${keepImages} images`,
                selection: {
                    tagStatus: "any",
                    countType: "imageCountMoreThan",
                    countNumber: keepImages,
                },
                action: { type: "expire" },
            },
        ],
    });
}
