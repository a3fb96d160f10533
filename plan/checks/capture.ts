// Data capture, when the component turns it on: where the records may go, and nowhere else.
import { Check, find, json, pass, Planned } from "../types";
import { CONTRACT } from "../../components/contract";

/** The function may only put records under the capture prefix; a bucket the component made is private. */
export function captureChecks({ resources, env, policies }: Planned): Check[] {
    const uri = env[CONTRACT.environment.capture.uri];
    if (uri === undefined) {
        return [];
    }
    const write = policies.find((p) => p.name.endsWith("-capture-write"));
    const statements: any[] = json(write?.inputs.policy)?.Statement ?? [];
    const checks = [
        pass(
            "data capture may only put objects under its prefix (no read, list or delete)",
            statements.length === 1 &&
                JSON.stringify(statements[0].Action) === JSON.stringify(["s3:PutObject"]) &&
                String(statements[0].Resource).endsWith("*"),
            String(statements[0]?.Resource ?? "no policy"),
        ),
    ];
    const bucket = resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-capture"));
    if (bucket) {
        const blocked = find(
            resources,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            `${bucket.name}-public-access`,
        );
        const tls = find(resources, "aws:s3/bucketPolicy:BucketPolicy", `${bucket.name}-policy`);
        checks.push(
            pass(
                "the capture bucket blocks public access and refuses requests without TLS",
                blocked?.inputs.restrictPublicBuckets === true &&
                    json(tls?.inputs.policy)?.Statement?.[0]?.Effect === "Deny",
            ),
        );
    }
    return checks;
}
