import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "lambda-inference";

const config = new pulumi.Config();

// Where the alarms (and CodeDeploy's rollbacks) are announced.
const oncall = new aws.sns.Topic("inference-oncall");

// Each new model or image is published as a version, answers the sample event
// (with this very model) before any traffic reaches it, then gets 10% of the
// live alias's traffic for 5 minutes. Any error, throttle, slow p99 or failed
// init in that time and CodeDeploy moves the alias back; `pulumi up` then fails
// naming the deployment and the alarm.
const scorer = new InferenceFunction("scorer", {
    modelPath: config.require("modelPath"),
    deploymentStrategy: "Canary10Percent5Minutes",
    alarmActions: [oncall.arn],
    enableDashboard: true,
    keepImages: 5, // the last five deploys can still be rolled back to
});

export const aliasArn = scorer.aliasArn;
export const functionVersion = scorer.functionVersion;
export const deploymentGroup = scorer.deploymentGroupName;
export const dashboard = scorer.dashboardUrl;
