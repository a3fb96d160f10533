import * as pulumi from "@pulumi/pulumi";
import { isSecret, Recorded, RecordingMocks } from "./mockEngine";

export * from "./mockEngine";

export const mocks = new RecordingMocks();
pulumi.runtime.setMocks(mocks, "lambda-inference", "test", false);

/** The resolved value of an Output (undefined if unknown). */
export function valueOf<T>(output: pulumi.Output<T> | undefined): Promise<T> {
    return new Promise((resolve) => (output ? output.apply((v) => resolve(v)) : resolve(undefined as T)));
}

/** Position of a resource in registration order; the engine registers a resource only after its dependencies. */
export function registeredAt(type: string, name: string): number {
    const index = mocks.resources.findIndex((r) => r.type === type && r.name === name);
    if (index < 0) {
        throw new Error(`${type} ${name} was not registered`);
    }
    return index;
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
