// The security area: the role's path and boundary, the customer-managed key, and deletion protection.
import { InferenceFunctionArgs } from "../args";
import { DEFAULTS } from "../defaults";
import { SecuritySettings } from "../resolved";
import { Area, area, booleanProblem, patternProblem, Problem } from "./problems";

export function securityArea(a: InferenceFunctionArgs): Area<SecuritySettings> {
    const problems: Problem[] = [];
    if (a.rolePath !== undefined && !/^\/([\x21-\x7e]{0,510}\/)?$/.test(a.rolePath)) {
        problems.push({
            propertyPath: "rolePath",
            reason: `must start and end with "/" (at most 512 printable characters); got ${JSON.stringify(a.rolePath)}`,
        });
    }
    problems.push(
        ...patternProblem(
            "kmsKeyArn",
            a.kmsKeyArn,
            /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
            `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias cannot scope the role's kms:Decrypt); got ${JSON.stringify(a.kmsKeyArn)}`,
        ),
        ...patternProblem(
            "permissionsBoundary",
            a.permissionsBoundary,
            /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/,
            `must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>); got ${JSON.stringify(a.permissionsBoundary)}`,
        ),
        ...booleanProblem("forceDestroy", a.forceDestroy),
    );
    return area(problems, () => ({
        kmsKeyArn: a.kmsKeyArn,
        permissionsBoundary: a.permissionsBoundary,
        rolePath: a.rolePath ?? DEFAULTS.rolePath,
        forceDestroy: a.forceDestroy ?? DEFAULTS.forceDestroy,
    }));
}
