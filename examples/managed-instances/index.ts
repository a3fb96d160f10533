import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { InferenceFunction } from "lambda-inference";

// The instances run in private subnets of three Availability Zones (Lambda starts three for resilience) and
// reach S3, CloudWatch Logs and Lambda through one NAT gateway.
const vpc = new awsx.ec2.Vpc("managed", {
    numberOfAvailabilityZones: 3,
    natGateways: { strategy: awsx.ec2.NatGatewayStrategy.Single },
});

const instances = new aws.ec2.SecurityGroup("managed-instances", {
    vpcId: vpc.vpcId,
    description: "Lambda Managed Instances: HTTPS out only",
    egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
});

const fn = new InferenceFunction("steady", {
    modelPath: "../../app/model/model.onnx",
    computeType: "managedInstances",
    pythonVersion: "3.13",
    architecture: "arm64",
    memorySize: 8192,
    // Each process holds its own model: more memory per vCPU, fewer processes per environment.
    memoryGiBPerVcpu: 4,
    maxConcurrencyPerEnvironment: 8,
    capacityProvider: {
        subnetIds: vpc.privateSubnetIds,
        securityGroupIds: [instances.id],
        maxVcpuCount: 32,
    },
});

export const functionName = fn.functionName;
export const capacityProviderArn = fn.capacityProviderArn;
