import { Check, patternProblem, Problem } from "./problems";

/** The role's path and boundary, and the customer-managed key. */
export const checkSecurity: Check = (a) => {
    const problems: Problem[] = [];
    if (a.rolePath !== undefined && !/^\/([\x21-\x7e]{0,510}\/)?$/.test(a.rolePath)) {
        problems.push({
            propertyPath: "rolePath",
            reason: `must start and end with "/" (at most 512 printable characters); got ${JSON.stringify(a.rolePath)}`,
        });
    }
    return [
        ...problems,
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
    ];
};
