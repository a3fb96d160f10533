import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { LIVE_ALIAS } from "./defaults";
import { FunctionAlarms } from "./alarms";
import { codeDeployPolicy, codeDeployTrustPolicy } from "./policies";
import { ROLLOUT_ENV } from "./rollout/env";
import { BuildContext, GradualRollout, SecuritySettings } from "./resolved";
import { packagePath } from "./packageRoot";

/**
 * The compiled rollout (components/rollout/main.ts). Both the sources
 * (components/) and the compiled package (bin/) sit one level below the
 * package root, and `npm install` (prepare) compiles bin/.
 */
export const ROLLOUT_SCRIPT = packagePath("bin", "components", "rollout", "main.js");

/** The rollout waits for CodeDeploy's whole shift, and this much longer. */
export const ROLLOUT_MARGIN_MINUTES = 30;

export interface GradualDeployment {
    application: aws.codedeploy.Application;
    group: aws.codedeploy.DeploymentGroup;
    rollout: command.local.Command;
}

/**
 * How the component runs its compiled scripts: node with an argument list, never a shell, so no
 * path or value is ever parsed as shell syntax.
 */
export function scriptCommand(subcommand: string): { interpreter: string[]; create: string } {
    return { interpreter: ["node", ROLLOUT_SCRIPT], create: subcommand };
}

/**
 * A gradual rollout: a CodeDeploy application and deployment group with the
 * chosen configuration, automatic rollback on failure and on the alarms (the
 * new version's own among them), and the command that starts a deployment of
 * each newly published version (or attaches to one already running for it)
 * and waits for its outcome. A command (the `command` provider) rather than a
 * dynamic provider: a source-based component runs in a provider process for
 * every language, where dynamic providers do not load (pulumi/pulumi#5455).
 */
export function createGradualDeployment(
    name: string,
    rollout: GradualRollout,
    security: Pick<SecuritySettings, "permissionsBoundary" | "rolePath">,
    deps: {
        fn: aws.lambda.Function;
        alias: aws.lambda.Alias;
        /** The published version, smoke-tested when a smoke event is given. */
        version: pulumi.Output<string>;
        alarms: FunctionAlarms;
        account: Account;
    },
    { parent, tags }: BuildContext,
): GradualDeployment {
    const application = new aws.codedeploy.Application(
        `${name}-deploy`,
        { computePlatform: "Lambda", tags },
        { parent },
    );
    const groupName = `${name}-${LIVE_ALIAS}`;
    const { partition, region, accountId } = deps.account;
    const groupArn = pulumi.interpolate`arn:${partition}:codedeploy:${region}:${accountId}:deploymentgroup:${application.name}/${groupName}`;
    const role = new aws.iam.Role(
        `${name}-deploy-role`,
        {
            assumeRolePolicy: pulumi
                .all([groupArn, accountId])
                .apply(([arn, account]) => codeDeployTrustPolicy(arn, account)),
            permissionsBoundary: security.permissionsBoundary,
            path: security.rolePath,
            tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-deploy-role-shift-traffic`,
        { role: role.id, policy: deps.fn.arn.apply(codeDeployPolicy) },
        { parent },
    );
    const group = new aws.codedeploy.DeploymentGroup(
        `${name}-deploy-group`,
        {
            appName: application.name,
            deploymentGroupName: groupName,
            serviceRoleArn: role.arn,
            deploymentConfigName: `CodeDeployDefault.Lambda${rollout.strategy}`,
            deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
            autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
            alarmConfiguration: { enabled: true, alarms: deps.alarms.names },
            tags,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const timeoutSeconds = (rollout.minutes + ROLLOUT_MARGIN_MINUTES) * 60;
    const run = new command.local.Command(
        `${name}-rollout`,
        {
            ...scriptCommand("rollout"),
            environment: {
                [ROLLOUT_ENV.functionArn]: deps.fn.arn,
                [ROLLOUT_ENV.alias]: LIVE_ALIAS,
                [ROLLOUT_ENV.targetVersion]: deps.version,
                [ROLLOUT_ENV.application]: application.name,
                [ROLLOUT_ENV.deploymentGroup]: group.deploymentGroupName,
                [ROLLOUT_ENV.timeoutSeconds]: String(timeoutSeconds),
                AWS_REGION: region,
            },
            // A new version (or model) replaces the command, which runs the rollout again.
            triggers: [deps.version],
        },
        // The alarms judge the new version before any traffic reaches it.
        { parent, dependsOn: [group, deps.alias, ...deps.alarms.alarms] },
    );
    return { application, group, rollout: run };
}
