import * as aws from "@pulumi/aws";
import { BuildContext, NetworkSettings } from "./resolved";

/**
 * A function URL on the `live` alias, so callers reach the version a rollout made live. With auth `NONE`
 * anyone may call it, which Lambda only allows with two resource-policy
 * statements: InvokeFunctionUrl, and InvokeFunction via the URL only.
 */
export function createFunctionUrl(
    name: string,
    settings: NonNullable<NetworkSettings["functionUrl"]>,
    deps: { fn: aws.lambda.Function; alias: aws.lambda.Alias },
    { parent }: BuildContext,
): aws.lambda.FunctionUrl {
    const functionName = deps.fn.name;
    const qualifier = deps.alias.name;
    const url = new aws.lambda.FunctionUrl(
        `${name}-url`,
        { functionName, qualifier, authorizationType: settings.authType },
        { parent },
    );
    if (settings.authType === "NONE") {
        new aws.lambda.Permission(
            `${name}-url-public`,
            {
                function: functionName,
                qualifier,
                action: "lambda:InvokeFunctionUrl",
                principal: "*",
                functionUrlAuthType: "NONE",
            },
            { parent },
        );
        new aws.lambda.Permission(
            `${name}-url-public-invoke`,
            {
                function: functionName,
                qualifier,
                action: "lambda:InvokeFunction",
                principal: "*",
                invokedViaFunctionUrl: true,
            },
            { parent },
        );
    }
    return url;
}
