// What every area of the arguments shares: the problem type, what an area returns, and the small
// judgements areas are made of.
import * as pulumi from "@pulumi/pulumi";
import { Signature } from "../signature";

export type Problem = pulumi.InputPropertyErrorDetails;

/** What validation learns once and several areas use: the model file's signature and sha256. */
export interface Facts {
    /** The component's name: the default of names derived from it. */
    componentName: string;
    /** The signature of `modelPath` when it has one that matches the file; a reason otherwise. */
    signature?: { signature: Signature; sha256: string } | { problem: string };
}

/**
 * One area of the arguments, judged and resolved in one pass: every problem it finds, and, when it found
 * none, its slice of the resolved arguments with its defaults applied (once, here).
 */
export interface Area<T> {
    problems: Problem[];
    resolved?: T;
}

/** The area's slice once its problems are known: resolved only when there are none. */
export function area<T>(problems: Problem[], resolve: () => T): Area<T> {
    return problems.length > 0 ? { problems } : { problems, resolved: resolve() };
}

/** A value the checks proved present; reaching undefined here is a bug in the checks, not bad input. */
export function checked<T>(property: string, value: T | undefined): T {
    if (value === undefined) {
        throw new Error(`internal error: ${property} passed validation without a value`);
    }
    return value;
}

/** The signature validation found, when there is one. */
export function signatureOf(facts: Facts): Signature | undefined {
    return facts.signature && "signature" in facts.signature ? facts.signature.signature : undefined;
}

/** True when `value` is a plain value present now (not an Output or a Promise still to resolve). */
export function isKnown(value: unknown): boolean {
    return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** A problem when `value` is given and is not an integer within [min, max]. */
export function integerProblem(
    propertyPath: string,
    value: number | undefined,
    min: number,
    max: number,
    unit = "",
): Problem[] {
    if (value === undefined || (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max)) {
        return [];
    }
    return [{ propertyPath, reason: `must be an integer from ${min} to ${max}${unit}; got ${JSON.stringify(value)}` }];
}

/** A problem when `value` is given and is not a number within [min, max]. */
export function numberProblem(propertyPath: string, value: unknown, min: number, max: number, what = ""): Problem[] {
    if (value === undefined || (typeof value === "number" && value >= min && value <= max)) {
        return [];
    }
    return [{ propertyPath, reason: `must be a number from ${min} to ${max}${what}; got ${JSON.stringify(value)}` }];
}

/** A problem when `value` is given and is not one of `allowed`. */
export function oneOfProblem(propertyPath: string, value: unknown, allowed: readonly unknown[]): Problem[] {
    if (value === undefined || allowed.includes(value)) {
        return [];
    }
    const choices = allowed.map((a) => JSON.stringify(a)).join(", ");
    return [{ propertyPath, reason: `must be one of ${choices}; got ${JSON.stringify(value)}` }];
}

/** A problem when `value` is known now and does not match `pattern`. */
export function patternProblem(propertyPath: string, value: unknown, pattern: RegExp, reason: string): Problem[] {
    return isKnown(value) && !pattern.test(String(value)) ? [{ propertyPath, reason }] : [];
}

/** A problem when `value` is given and is not a boolean. */
export function booleanProblem(propertyPath: string, value: unknown): Problem[] {
    return value === undefined || typeof value === "boolean"
        ? []
        : [{ propertyPath, reason: `must be true or false; got ${JSON.stringify(value)}` }];
}

/** A problem when `value` is not a plain object (an area given as something else). */
export function objectProblem(propertyPath: string, value: unknown): Problem[] {
    return typeof value === "object" && value !== null && !Array.isArray(value)
        ? []
        : [{ propertyPath, reason: `must be an object; got ${JSON.stringify(value)}` }];
}
