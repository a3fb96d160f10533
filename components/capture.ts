// Data capture: where the records go (a bucket the component creates, or the user's), the function's
// permission to put them there and nowhere else, and the settings the app and its extension read.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { ownOrAdoptedBucket } from "./bucket";
import { CONTRACT } from "./contract";
import { jobsKmsPolicy, objectsUnder } from "./jobs/policies";
import { BuildContext, DataCaptureSettings, SecuritySettings } from "./resolved";
import { PolicyNeed } from "./role";

const ENV = CONTRACT.environment.capture;

/** What the function needs before it is created, and where the records land. */
export interface DataCapture {
    environment: { [name: string]: pulumi.Input<string> };
    policies: PolicyNeed[];
    /** The created bucket's settings: records are written only once they are in place. */
    settled: pulumi.Resource[];
    /** `s3://bucket/prefix/`. */
    uri: pulumi.Output<string>;
    /** The bucket the component created; none when the user gave one. */
    bucket?: aws.s3.Bucket;
}

/** The function may only put objects under the capture prefix: no reading, listing or deleting. */
export function captureWritePolicy(objectsArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "PutCaptureRecords", Effect: "Allow", Action: ["s3:PutObject"], Resource: objectsArn }],
    });
}

export function createDataCapture(
    name: string,
    capture: DataCaptureSettings,
    security: SecuritySettings,
    account: Account,
    ctx: BuildContext,
): DataCapture {
    const { prefix } = capture.destination;
    const { bucketName, bucketArn, settled, bucket } = ownOrAdoptedBucket(
        `${name}-capture`,
        capture.destination.bucket,
        security,
        ctx,
    );
    const uri = pulumi.interpolate`s3://${bucketName}/${prefix}`;
    const policies: PolicyNeed[] = [
        { id: "capture-write", document: bucketArn.apply((arn) => captureWritePolicy(objectsUnder(arn, prefix))) },
    ];
    if (security.kmsKeyArn) {
        // Objects in a bucket encrypted with the key need a data key from KMS, through S3 only.
        policies.push({
            id: "capture-kms",
            document: pulumi
                .all([security.kmsKeyArn, account.region])
                .apply(([key, region]) => jobsKmsPolicy(key, region, ["s3"])),
        });
    }
    const contents = [capture.inputs ? "inputs" : undefined, capture.outputs ? "outputs" : undefined];
    return {
        environment: {
            [ENV.uri]: uri,
            [ENV.samplingPercentage]: String(capture.samplingPercentage),
            [ENV.content]: contents.filter((c) => c !== undefined).join(","),
            [ENV.maxSeconds]: String(capture.maxBufferSeconds),
        },
        policies,
        settled,
        uri,
        bucket,
    };
}
