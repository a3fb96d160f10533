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
    const modelInS3 = policies.some((p) => p.name.endsWith("-model-read"));
    return [
        pass(
            "the customer-managed KMS key encrypts the repository, logs, environment and model bucket",
            repo.encryptionConfigurations?.[0]?.kmsKey === key &&
                find(resources, "aws:cloudwatch/logGroup:LogGroup")?.inputs.kmsKeyId === key &&
                (sse === undefined || (sse.sseAlgorithm === "aws:kms" && sse.kmsMasterKeyId === key)),
            String(key),
        ),
        pass(
            "the role decrypts with that key only",
            modelInS3 ? decrypt.length === 1 && decrypt[0].Resource === key : decrypt.length === 0,
        ),
    ];
}
