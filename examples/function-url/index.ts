import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "lambda-inference";

const config = new pulumi.Config();

// An HTTPS endpoint with IAM auth: callers sign requests with SigV4 and need both
// lambda:InvokeFunctionUrl and lambda:InvokeFunction on this function in their own
// IAM policy. A public URL (authType NONE) needs reservedConcurrency: its ceiling.
const api = new InferenceFunction("api", {
    modelPath: config.require("modelPath"),
    enableFunctionUrl: true,
    functionUrlAuthType: config.get("authType") ?? "AWS_IAM",
    reservedConcurrency: config.getNumber("reservedConcurrency"),
    environment: { MAX_BATCH_ROWS: "200", MAX_BODY_BYTES: "65536" },
});

export const functionUrl = api.functionUrl;
export const functionArn = api.functionArn;
