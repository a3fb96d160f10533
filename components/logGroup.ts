import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedArgs } from "./validate";

/** The function's own log group, created before the function so Lambda never makes one without retention. */
export function createLogGroup(name: string, r: ResolvedArgs, parent: pulumi.Resource): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            namePrefix: `/aws/lambda/${name}-`,
            retentionInDays: r.logRetentionDays,
            kmsKeyId: r.kmsKeyArn,
            tags: r.tags,
        },
        { parent },
    );
}
