import * as pulumi from "@pulumi/pulumi";
import { recordLinks } from "../mocking/links";
import { isSecret, Recorded, RecordingMocks } from "../mocking/recordingMocks";

export * from "../mocking/recordingMocks";

export const mocks = new RecordingMocks();
pulumi.runtime.setMocks(mocks, "lambda-inference", "test", false);
recordLinks((link) => mocks.links.push(link));

/**
 * What the engine is told `type` `name` depends on (its inputs' sources and its dependsOn), as
 * `type::name`: a dependency the engine is not told of is one `pulumi up` may not wait for.
 */
export function dependenciesOf(type: string, name: string): string[] {
    const found = mocks.links.filter((l) => l.type === type && l.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one registration of ${type} ${name}, found ${found.length}`);
    }
    return found[0].dependencies;
}

/** The resolved value of an Output (undefined if unknown). */
export function valueOf<T>(output: pulumi.Output<T> | undefined): Promise<T> {
    return new Promise((resolve) => (output ? output.apply((v) => resolve(v)) : resolve(undefined as T)));
}

/** Unwraps a value the mock monitor received as a secret; fails if it was not secret. */
export function secretValue(value: any): any {
    if (!isSecret(value)) {
        throw new Error(`expected a secret, got ${JSON.stringify(value)}`);
    }
    return value.value;
}

export function ofType(type: string): Recorded[] {
    return mocks.resources.filter((r) => r.type === type);
}

/** The single resource of a type (and name); fails when there is none or more than one. */
export function one(type: string, name?: string): Recorded {
    const found = ofType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}
