// Every argument's "Defaults to ..." states the very constant the validation areas apply (defaults.ts).
import * as assert from "assert";
import { DEFAULTS, QUEUES } from "../../components/defaults";
import { defaultText, DocumentedProperty, documentedProperties } from "../argsDocs";

/** Where each interface's defaults live in DEFAULTS. */
const SECTIONS: { [owner: string]: { [key: string]: unknown } } = {
    InferenceFunctionArgs: DEFAULTS,
    AsyncInferenceArgs: DEFAULTS.asyncInference,
    BatchTransformArgs: DEFAULTS.batchTransform,
    DataCaptureArgs: DEFAULTS.dataCapture,
    CapacityProviderArgs: {},
    ModelEntryArgs: {},
};

/** Defaults that are not one constant: each derived from something else, as its text says. */
const DERIVED: { [property: string]: RegExp } = {
    "InferenceFunctionArgs.appPath": /^the app bundled with this package/,
    "InferenceFunctionArgs.buildTarget": /^the stage named after `modelFormat`/,
    "InferenceFunctionArgs.modelFormat": /^what the model's file name says/,
    "InferenceFunctionArgs.modelKey": /^`models\/<file name of modelPath>`$/,
    "InferenceFunctionArgs.modelName": /^the component's name$/,
    "InferenceFunctionArgs.maxConcurrencyPerEnvironment": /^Lambda's: 16 per vCPU for Python$/,
    "InferenceFunctionArgs.memoryGiBPerVcpu": /^Lambda's \(2\)$/,
    "InferenceFunctionArgs.smokeTestEvent": /^the sample in the model's signature$/,
    "AsyncInferenceArgs.visibilityTimeoutSeconds": new RegExp(`^six times \`timeout\``),
    "BatchTransformArgs.outputBucketName": /^the component's results bucket/,
    "InferenceFunctionArgs.modelCacheBytes": /^half of `memorySize`$/,
    "ModelEntryArgs.modelBucketName": /^the function's model bucket$/,
};

/** The constant a default's text states: a number, `a string`, true or false; undefined for anything else. */
function literal(text: string): { value: unknown } | undefined {
    const number = /^(-?\d+(?:\.\d+)?)(?:\s|$)/.exec(text);
    if (number) {
        return { value: Number(number[1]) };
    }
    const quoted = /^`([^`]*)`/.exec(text);
    if (quoted) {
        return { value: quoted[1] };
    }
    if (/^(true|false)\b/.test(text)) {
        return { value: text.startsWith("true") };
    }
    return undefined;
}

function verdict(p: DocumentedProperty): string | undefined {
    const id = `${p.owner}.${p.name}`;
    const text = defaultText(p.doc);
    const value = SECTIONS[p.owner][p.name];
    // A nested argument's defaults are a section of their own, checked property by property.
    const constant = typeof value === "object" ? undefined : value;
    if (text === undefined) {
        return constant === undefined
            ? undefined
            : `${id}: has the constant ${JSON.stringify(constant)} but no default in its doc`;
    }
    if (text.startsWith("none")) {
        return constant === undefined ? undefined : `${id}: says none, but DEFAULTS has ${JSON.stringify(constant)}`;
    }
    if (id in DERIVED) {
        return DERIVED[id].test(text) ? undefined : `${id}: its derived default reads ${JSON.stringify(text)}`;
    }
    const stated = literal(text);
    if (stated === undefined) {
        return `${id}: "Defaults to ${text}" is neither a constant, none, nor a derived default listed here`;
    }
    return stated.value === constant
        ? undefined
        : `${id}: says ${JSON.stringify(stated.value)}, DEFAULTS has ${JSON.stringify(constant)}`;
}

describe("defaults: one module holds them, and every argument's doc states them", () => {
    const properties = documentedProperties();

    it("every 'Defaults to ...' equals its constant, or says none, or names how it is derived", () => {
        assert.deepStrictEqual(
            properties.map(verdict).filter((v) => v !== undefined),
            [],
        );
    });

    it("every constant belongs to a documented argument", () => {
        const documented = new Set(properties.map((p) => `${p.owner}.${p.name}`));
        const orphans = Object.entries(SECTIONS).flatMap(([owner, section]) =>
            Object.entries(section)
                .filter(([, value]) => typeof value !== "object")
                .map(([key]) => `${owner}.${key}`)
                .filter((id) => !documented.has(id)),
        );
        assert.deepStrictEqual(orphans, []);
    });

    it("the derived defaults say what they are derived from", () => {
        const visibility = properties.find((p) => p.name === "visibilityTimeoutSeconds");
        assert.ok(visibility && /six times `timeout`/.test(visibility.doc));
        assert.strictEqual(QUEUES.visibilityTimeoutFactor, 6);
    });
});
