// A customer-managed key, when one is given.
import { Check, find, pass, Planned } from "../types";

/** With a customer-managed key, everything that encrypts uses it, and the role may decrypt with it only. */
export function kmsChecks({ resources, repo, fn, policies, statements }: Planned): Check[] {
    const key = fn.kmsKeyArn;
    if (key === undefined) {
        return [];
    }
    const sse = find(
        resources,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )?.inputs.rules?.[0]?.applyServerSideEncryptionByDefault;
    const decrypt = statements.filter((s: any) => [s.Action].flat().includes("kms:Decrypt"));
    const modelInS3 = policies.some((p) => p.name.includes("-model-read"));
    const via = decrypt
        .map((s: any) => String(s.Condition?.StringEquals?.["kms:ViaService"] ?? "").split(".")[0])
        .sort();
    return [
        pass(
            "the customer-managed KMS key encrypts the repository, logs, environment and model bucket",
            repo.encryptionConfigurations?.[0]?.kmsKey === key &&
                find(resources, "aws:cloudwatch/logGroup:LogGroup")?.inputs.kmsKeyId === key &&
                (sse === undefined || (sse.sseAlgorithm === "aws:kms" && sse.kmsMasterKeyId === key)),
            String(key),
        ),
        pass(
            "the role decrypts with that key only, and only through S3 (the model) and Lambda (the environment)",
            decrypt.every((s: any) => s.Resource === key) &&
                JSON.stringify(via) === JSON.stringify(modelInS3 ? ["lambda", "s3"] : ["lambda"]),
            via.join(", "),
        ),
    ];
}
