import * as assert from "assert";
import {
    ASSUME_ROLE_POLICY,
    kmsDecryptPolicy,
    lifecyclePolicy,
    logsPolicy,
    modelReadPolicy,
    tlsOnlyPolicy,
    TRACING_POLICY,
    VPC_ACCESS_POLICY,
} from "../../components/policies";

/**
 * What an ECR lifecycle policy expires from `images` (newest first), as ECR documents it: rules in
 * priority order; a rule's selection counts only images no higher rule matched, and every image it
 * matches, kept or expired, is out of reach of the rules below it.
 */
function expiredBy(policy: any, images: { digest: string; tags: string[] }[]): string[] {
    const decided = new Set<string>();
    const expired: string[] = [];
    for (const rule of [...policy.rules].sort((a: any, b: any) => a.rulePriority - b.rulePriority)) {
        const { tagStatus, tagPrefixList, countNumber } = rule.selection;
        const matched = images.filter(
            (i) =>
                !decided.has(i.digest) &&
                (tagStatus === "any" ||
                    (tagStatus === "untagged" && i.tags.length === 0) ||
                    (tagStatus === "tagged" &&
                        i.tags.some((t) => (tagPrefixList ?? []).some((p: string) => t.startsWith(p))))),
        );
        matched.forEach((i, n) => {
            decided.add(i.digest);
            if (n >= countNumber) {
                expired.push(i.digest);
            }
        });
    }
    return expired;
}

/** The pure helpers, without a deploy around them (as awsx tests its policy builders). */

describe("policy documents", () => {
    it("trust: lambda.amazonaws.com may assume the role, nothing else", () => {
        assert.deepStrictEqual(JSON.parse(ASSUME_ROLE_POLICY), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
    });

    it("logs: write to the streams of one log group", () => {
        const arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/x-1";
        assert.deepStrictEqual(JSON.parse(logsPolicy(arn)).Statement, [
            {
                Sid: "WriteOwnLogGroup",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${arn}:*`,
            },
        ]);
    });

    it("model read: GetObject and GetObjectVersion on exactly the object ARN given", () => {
        const arn = "arn:aws:s3:::bucket/models/m.onnx";
        assert.deepStrictEqual(JSON.parse(modelReadPolicy(arn)).Statement, [
            { Sid: "ReadModelObject", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: arn },
        ]);
        // One object given as a list is the same single-resource statement.
        assert.strictEqual(modelReadPolicy([arn]), modelReadPolicy(arn));
        // A text model: the model and the files beside it, each by its exact ARN.
        const files = [arn, "arn:aws:s3:::bucket/models/tokenizer.json", "arn:aws:s3:::bucket/models/config.json"];
        assert.deepStrictEqual(JSON.parse(modelReadPolicy(files)).Statement[0].Resource, files);
    });

    it("VPC and tracing: only the actions AWS allows on no narrower resource than *", () => {
        const vpc = JSON.parse(VPC_ACCESS_POLICY).Statement[0];
        assert.strictEqual(vpc.Resource, "*");
        assert.ok(vpc.Action.every((a: string) => a.startsWith("ec2:") && !a.includes("*")));
        assert.deepStrictEqual(JSON.parse(TRACING_POLICY).Statement[0].Action, [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
        ]);
    });

    it("TLS only: denies insecure transport on the bucket and every object in it", () => {
        const statement = JSON.parse(tlsOnlyPolicy("arn:aws:s3:::b")).Statement[0];
        assert.deepStrictEqual(statement.Resource, ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
        assert.deepStrictEqual(statement.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.strictEqual(statement.Effect, "Deny");
    });

    it("ECR lifecycle: the cache and the live image outrank the count rule, which keeps exactly keepImages", () => {
        const rules = JSON.parse(lifecyclePolicy(3)).rules;
        assert.deepStrictEqual(
            rules.map((r: any) => [
                r.rulePriority,
                r.selection.tagStatus,
                r.selection.tagPrefixList,
                r.selection.countNumber,
            ]),
            [
                [1, "tagged", ["buildcache"], 1],
                [2, "tagged", ["live"], 1],
                [3, "any", undefined, 3],
            ],
        );
    });

    it("ECR lifecycle, applied: two failed deploys in a row do not expire the image live runs", () => {
        // Newest first: two deploys whose rollouts failed (live never ran them), then the image live runs.
        const images = [
            { digest: "failed-2", tags: [] },
            { digest: "failed-1", tags: [] },
            { digest: "live-image", tags: ["live"] },
            { digest: "older", tags: [] },
            { digest: "cache", tags: ["buildcache"] },
        ];
        assert.deepStrictEqual(expiredBy(JSON.parse(lifecyclePolicy(2)), images), ["older"]);
        // Without the live rule (the policy before), keepImages 2 expires the running image: the check can fail.
        const withoutLiveRule = JSON.parse(lifecyclePolicy(2));
        withoutLiveRule.rules = withoutLiveRule.rules.filter((r: any) => !r.selection.tagPrefixList?.includes("live"));
        assert.deepStrictEqual(expiredBy(withoutLiveRule, images), ["live-image", "older"]);
    });

    it("KMS: decrypt only through S3 for the model object, and through Lambda for the environment", () => {
        const key = "arn:aws:kms:eu-west-1:111122223333:key/k";
        const objects = {
            bucketArn: "arn:aws:s3:::b",
            objectArns: ["arn:aws:s3:::b/m.onnx", "arn:aws:s3:::b/tokenizer.json"],
        };
        const [s3, lambda] = JSON.parse(kmsDecryptPolicy(key, "eu-west-1", objects)).Statement;
        // The bucket (S3 Bucket Keys' context) or exactly the model's objects.
        assert.deepStrictEqual(s3.Condition, {
            StringEquals: {
                "kms:ViaService": "s3.eu-west-1.amazonaws.com",
                "kms:EncryptionContext:aws:s3:arn": [
                    "arn:aws:s3:::b",
                    "arn:aws:s3:::b/m.onnx",
                    "arn:aws:s3:::b/tokenizer.json",
                ],
            },
        });
        assert.deepStrictEqual(lambda.Condition, {
            StringEquals: { "kms:ViaService": "lambda.eu-west-1.amazonaws.com" },
        });
        assert.deepStrictEqual(
            JSON.parse(kmsDecryptPolicy(key, "eu-west-1")).Statement.map((s: any) => s.Sid),
            ["DecryptEnvironmentThroughLambda"],
        );
    });
});
