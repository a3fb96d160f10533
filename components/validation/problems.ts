// What every area's checks share: the problem type and the small judgements they are made of.
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "../args";
import { Signature } from "../signature";

export type Problem = pulumi.InputPropertyErrorDetails;

/** What validation learns once and several areas use: the model's signature, read from beside its file. */
export interface Facts {
    /** The component's name: the default of names derived from it. */
    componentName: string;
    /** The signature of `modelPath` when it has one that matches the file; a reason otherwise. */
    signature?: { signature: Signature } | { problem: string };
}

/** The checks of one area: the arguments (nulls from other languages already dropped) in, every problem out. */
export type Check = (a: InferenceFunctionArgs, facts: Facts) => Problem[];

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
