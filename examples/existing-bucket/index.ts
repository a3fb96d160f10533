import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "lambda-inference";

const config = new pulumi.Config();

// The model already sits in a bucket your ML pipeline owns. The component
// does not touch the bucket's settings; it pins the object version present at
// deploy time and the function verifies the download against modelSha256.
const scorer = new InferenceFunction("scorer", {
    modelBucketName: config.require("bucket"),
    modelKey: config.require("key"),
    modelSha256: config.require("sha256"),
});

export const functionName = scorer.functionName;
export const modelVersionId = scorer.modelVersionId;
