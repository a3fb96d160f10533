import * as aws from "@pulumi/aws";
import { BuildContext, ObservabilitySettings, SecuritySettings } from "./resolved";

/** The function's own log group, created before the function so Lambda never makes one without retention. */
export function createLogGroup(
    name: string,
    observability: Pick<ObservabilitySettings, "logRetentionDays">,
    security: Pick<SecuritySettings, "kmsKeyArn">,
    { parent, tags }: BuildContext,
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            namePrefix: `/aws/lambda/${name}-`,
            retentionInDays: observability.logRetentionDays,
            kmsKeyId: security.kmsKeyArn,
            tags,
        },
        { parent },
    );
}
