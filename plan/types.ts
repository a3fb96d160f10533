// The offline plan's shared types: what a plan is, what each check reports, and what the checks read.
import { Link } from "../mocking/links";
import { Signature } from "../components/signature";
import { Recorded } from "../mocking/recordingMocks";

export { Link } from "../mocking/links";

export interface Check {
    name: string;
    pass: boolean;
    detail: string;
    /** Reported, not failed: a hardening the user completes (such as pinning the base image). */
    advisory?: boolean;
}

/** The model the plan deploys, and what its signature says. */
export interface PlannedModel {
    path: string;
    signature: Signature;
    /** Its name, behind a function with many models. */
    name?: string;
}

export interface Plan {
    model: PlannedModel;
    /** Every model, behind a function with many models (`models`). */
    models?: PlannedModel[];
    resources: Recorded[];
    checks: Check[];
    links: Link[];
}

/** What the checks read from a plan: the resources by role, and the function's environment. */
export interface Planned {
    resources: Recorded[];
    repo: any;
    image: any;
    fn: any;
    env: any;
    policies: Recorded[];
    /** Every statement of every role policy. */
    statements: any[];
}

export const pass = (name: string, ok: boolean, detail = ""): Check => ({ name, pass: ok, detail });

export function find(resources: Recorded[], type: string, name?: string): Recorded | undefined {
    return resources.find((r) => r.type === type && (name === undefined || r.name === name));
}

/** The JSON a string input holds, or undefined. */
export function json(text: unknown): any {
    try {
        return typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}
