import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVE_ALIAS } from "./defaults";
import { BuildContext, RolloutSettings } from "./resolved";

/**
 * The `live` alias callers invoke. With AllAtOnce Pulumi points it at the
 * version this deploy published (once the smoke test, if any, passed). With a
 * gradual strategy it points there only when created; after that CodeDeploy
 * moves it (and its routing weights), so Pulumi leaves both alone.
 */
export function createAlias(
    name: string,
    rollout: RolloutSettings,
    deps: { fn: aws.lambda.Function; version: pulumi.Output<string> },
    { parent }: BuildContext,
): aws.lambda.Alias {
    return new aws.lambda.Alias(
        `${name}-alias`,
        { name: LIVE_ALIAS, functionName: deps.fn.name, functionVersion: deps.version },
        { parent, ignoreChanges: rollout.kind === "gradual" ? ["functionVersion", "routingConfig"] : undefined },
    );
}
