import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where the component deploys, asked once of the provider it runs with (so ARNs match that account and region). */
export interface Account {
    partition: pulumi.Output<string>;
    region: pulumi.Output<string>;
    accountId: pulumi.Output<string>;
}

export function accountOf(parent: pulumi.Resource): Account {
    return {
        partition: aws.getPartitionOutput({}, { parent }).partition,
        region: aws.getRegionOutput({}, { parent }).region,
        accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
    };
}
