// Every policy document the component writes, as pure functions of the ARNs
// they name: tested directly, and shared by the builders and the offline plan.
import { CACHE_TAG, LIVE_IMAGE_TAG } from "./defaults";

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
function allow(sid: string, actions: string[], resource: string | string[]): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [{ Sid: sid, Effect: "Allow", Action: actions, Resource: resource }],
    });
}

export function logsPolicy(logGroupArn: string): string {
    return allow("WriteOwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], `${logGroupArn}:*`);
}

/** The model's object, and the files beside it (a text model's tokenizer): nothing else in the bucket. */
export function modelReadPolicy(objectArns: string | string[]): string {
    const resource = Array.isArray(objectArns) && objectArns.length === 1 ? objectArns[0] : objectArns;
    return allow("ReadModelObject", ["s3:GetObject", "s3:GetObjectVersion"], resource);
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

/**
 * A role only `service` may assume, and only when it acts for this account (and, when given, for the
 * resource `sourceArn` matches), so another account's use of the service cannot be made to assume it.
 */
export function serviceTrustPolicy(service: string, account: string, sourceArn?: string): string {
    const condition: { [operator: string]: { [key: string]: string } } = {
        StringEquals: { "aws:SourceAccount": account },
    };
    if (sourceArn !== undefined) {
        condition.ArnLike = { "aws:SourceArn": sourceArn };
    }
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: condition },
        ],
    });
}

/** CodeDeploy may act for this deployment group only. */
export function codeDeployTrustPolicy(deploymentGroupArn: string, account: string): string {
    return serviceTrustPolicy("codedeploy.amazonaws.com", account, deploymentGroupArn);
}

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

/**
 * Decrypt with the one customer-managed key given, and only through the services that need it: S3
 * for the model object (SSE-KMS; S3 names the bucket, or the object, in the encryption context) and
 * Lambda for the function's environment. Credentials taken out of the function cannot decrypt with
 * the key directly.
 */
export function kmsDecryptPolicy(
    keyArn: string,
    region: string,
    modelObjects?: { bucketArn: string; objectArns: string[] },
): string {
    const statements: object[] = [
        {
            Sid: "DecryptEnvironmentThroughLambda",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: keyArn,
            Condition: { StringEquals: { "kms:ViaService": `lambda.${region}.amazonaws.com` } },
        },
    ];
    if (modelObjects) {
        statements.unshift({
            Sid: "DecryptModelObjectThroughS3",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: keyArn,
            Condition: {
                StringEquals: {
                    "kms:ViaService": `s3.${region}.amazonaws.com`,
                    "kms:EncryptionContext:aws:s3:arn": [modelObjects.bucketArn, ...modelObjects.objectArns],
                },
            },
        });
    }
    return JSON.stringify({ Version: VERSION, Statement: statements });
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

/** A resource policy that denies every request of `service` to `resource` that does not come over TLS. */
function denyInsecureTransport(service: string, resource: string | string[]): string {
    return JSON.stringify({
        Version: VERSION,
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: `${service}:*`,
                Resource: resource,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

/** Denies every request that does not come over TLS, to the bucket and its objects. */
export function tlsOnlyPolicy(bucketArn: string): string {
    return denyInsecureTransport("s3", [bucketArn, `${bucketArn}/*`]);
}

/** Denies every request to the queue that does not come over TLS. */
export function tlsOnlyQueuePolicy(queueArn: string): string {
    return denyInsecureTransport("sqs", queueArn);
}

/**
 * The ECR lifecycle policy. An image matched by a higher-priority rule is
 * never expired by a lower one. Rule 1 keeps the build cache manifest out of
 * reach, so the cache does not count against `keepImages`. Rule 2 keeps the
 * image tagged `live`, the one the `live` alias runs (the component moves the
 * tag after each successful rollout): deploys that fail publish newer images
 * that live never runs, and without this rule enough of them would expire it.
 * Rule 3 keeps the newest `keepImages` of the rest.
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
                description: "Keep the image the live alias runs",
                selection: {
                    tagStatus: "tagged",
                    tagPrefixList: [LIVE_IMAGE_TAG],
                    countType: "imageCountMoreThan",
                    countNumber: 1,
                },
                action: { type: "expire" },
            },
            {
                rulePriority: 3,
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
