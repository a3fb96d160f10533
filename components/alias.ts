import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVE_ALIAS } from "./defaults";

/** The `live` alias on the version the function published with this deploy. */
export function createAlias(name: string, fn: aws.lambda.Function, parent: pulumi.Resource): aws.lambda.Alias {
    return new aws.lambda.Alias(
        `${name}-alias`,
        { name: LIVE_ALIAS, functionName: fn.name, functionVersion: fn.version },
        { parent },
    );
}
