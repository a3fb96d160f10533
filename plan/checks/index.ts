// The secure-defaults checklist, judged on what would be registered: one module per concern.
import { Recorded } from "../../mocking/recordingMocks";
import { Check, find, json, Planned } from "../types";
import { alarmChecks } from "./alarms";
import { captureChecks } from "./capture";
import { imageChecks } from "./image";
import { jobsChecks } from "./jobs";
import { kmsChecks } from "./kms";
import { reliabilityChecks } from "./reliability";
import { imageModelChecks, s3ModelChecks } from "./model";
import { roleAndLogChecks } from "./role";
import { urlChecks } from "./url";

/** The secure defaults the README promises, judged on what would be registered. */
export function checks(resources: Recorded[]): Check[] {
    const fn = find(resources, "aws:lambda/function:Function")?.inputs ?? {};
    const policies = resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    const planned: Planned = {
        resources,
        repo: find(resources, "aws:ecr/repository:Repository")?.inputs ?? {},
        image: find(resources, "docker-build:index:Image")?.inputs ?? {},
        fn,
        env: fn.environment?.variables ?? {},
        policies,
        statements: policies.flatMap((p) => json(p.inputs.policy)?.Statement ?? []),
    };
    const modelInImage = "MODEL_PATH" in planned.env;
    return [
        ...imageChecks(planned),
        ...(modelInImage ? imageModelChecks(planned) : s3ModelChecks(planned)),
        ...roleAndLogChecks(planned),
        ...alarmChecks(planned),
        ...reliabilityChecks(planned),
        ...kmsChecks(planned),
        ...urlChecks(planned),
        ...jobsChecks(planned),
        ...captureChecks(planned),
    ];
}
