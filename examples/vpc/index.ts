import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { InferenceFunction } from "lambda-inference";

// Private subnets without NAT: the function reaches its model through an S3
// gateway endpoint (free), and nothing else on the internet.
const vpc = new awsx.ec2.Vpc("inference", {
    numberOfAvailabilityZones: 2,
    natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
    subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
    subnetSpecs: [{ type: awsx.ec2.SubnetType.Isolated, cidrMask: 22 }],
});

const region = aws.getRegionOutput();
new aws.ec2.VpcEndpoint("s3", {
    vpcId: vpc.vpcId,
    serviceName: region.name.apply((r) => `com.amazonaws.${r}.s3`),
    vpcEndpointType: "Gateway",
    routeTableIds: vpc.routeTables.apply((tables) => tables.map((t) => t.id)),
});

const functionSg = new aws.ec2.SecurityGroup("inference-fn", {
    vpcId: vpc.vpcId,
    description: "InferenceFunction: egress to S3 only",
    egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
});

const fn = new InferenceFunction("private", {
    modelPath: "../../app/model/model.onnx",
    vpcSubnetIds: vpc.isolatedSubnetIds,
    vpcSecurityGroupIds: [functionSg.id],
});

export const functionName = fn.functionName;
