// A model's signature: the model.json beside the model file (written by app/convert.py), read at
// deploy time to build the default smoke test, check an explicit one, and refuse a pickle the image
// cannot load. See app/signature.py for the writer.
import * as fs from "fs";
import * as path from "path";
import { sha256File } from "./sha256";

export const SIGNATURE_FILE = "model.json";

/** A tensor as the inference protocol declares it (-1 for a dimension of any size). */
export interface TensorSpec {
    name: string;
    datatype: string;
    shape: number[];
}

export interface Signature {
    file: string;
    format: string;
    sha256: string;
    /** `classifier` or `regressor`; null for a model that is not one feature matrix. */
    task: string | null;
    /** Null for a model that is not one [rows, features] matrix: it takes protocol requests only. */
    n_features: number | null;
    feature_names: string[] | null;
    feature_names_generated: boolean;
    classes: unknown[] | null;
    /** The tensors the protocol declares (absent in signatures written before them). */
    inputs?: TensorSpec[];
    outputs?: TensorSpec[];
    /** A document the model answers: the default smoke test. */
    sample: { [key: string]: unknown } | null;
    versions: { trained_with: { [library: string]: string }; tools: { [library: string]: string } };
}

/** How to write a model's signature, for the messages that need it. */
export function howToDescribe(modelPath: string): string {
    const file = path.basename(modelPath);
    return path.extname(file).toLowerCase() === ".onnx"
        ? `write it with \`python app/convert.py --describe --model ${file}\``
        : `write it with \`python app/convert.py --model ${file} --sample ROWS.json --out DIR\` (converting to ONNX), ` +
              `or \`python app/convert.py --describe --model ${file} --sample ROWS.json\` (serving it with scikit-learn)`;
}

/**
 * The signature of the model at `modelPath`: its folder's model.json, which must describe this very
 * file (its name and sha256), and the file's sha256 (hashed here, once per deploy). A reason when
 * there is none, or it describes something else.
 */
export function readSignature(modelPath: string): { signature: Signature; sha256: string } | { problem: string } {
    const file = path.join(path.dirname(modelPath), SIGNATURE_FILE);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return { problem: `has no signature: ${file} is missing; ${howToDescribe(modelPath)}` };
    }
    let signature: Signature;
    try {
        signature = JSON.parse(text);
    } catch (e) {
        return { problem: `has an unreadable signature: ${file} is not JSON (${(e as Error).message})` };
    }
    const fields = ["file", "sha256", "format"] as const;
    const lacking = fields.filter((f) => signature?.[f] === undefined);
    if (lacking.length > 0) {
        return { problem: `has no signature: ${file} lacks ${lacking.join(", ")}; ${howToDescribe(modelPath)}` };
    }
    if (signature.file !== path.basename(modelPath)) {
        return {
            problem: `has no signature: ${file} describes ${signature.file}, not ${path.basename(modelPath)}; ${howToDescribe(modelPath)}`,
        };
    }
    const actual = sha256File(modelPath);
    if (signature.sha256 !== actual) {
        return {
            problem: `does not match its signature: ${file} was written for a ${signature.file} with sha256 ${signature.sha256}, but ${modelPath} hashes to ${actual}; ${howToDescribe(modelPath)} again`,
        };
    }
    return { signature, sha256: actual };
}

/** The rows of a document the function accepts (`features` is one row, `instances` a list), or undefined. */
function rowsOf(document: { [key: string]: unknown }): unknown[] | undefined {
    if ("features" in document) {
        return [document.features];
    }
    return Array.isArray(document.instances) ? document.instances : undefined;
}

/** Why an inference request's inputs do not fit the tensors the model declares (names, rank, fixed dims). */
function requestMismatch(inputs: unknown, declared: TensorSpec[] | undefined): string | undefined {
    if (!Array.isArray(inputs) || declared === undefined) {
        return undefined;
    }
    const given = new Map<string, { shape?: unknown }>();
    for (const input of inputs) {
        if (input && typeof input === "object" && typeof input.name === "string") {
            given.set(input.name, input);
        }
    }
    const takes = declared.map((d) => `${JSON.stringify(d.name)} (${d.datatype} [${d.shape.join(", ")}])`).join(", ");
    const unknown = [...given.keys()].filter((n) => !declared.some((d) => d.name === n));
    if (unknown.length > 0) {
        return `the model has no input ${JSON.stringify(unknown[0])}; it takes ${takes}`;
    }
    for (const spec of declared) {
        const input = given.get(spec.name);
        if (input === undefined) {
            return `input ${JSON.stringify(spec.name)} (${spec.datatype} [${spec.shape.join(", ")}]) is missing`;
        }
        const shape = input.shape;
        if (
            !Array.isArray(shape) ||
            shape.length !== spec.shape.length ||
            shape.some((d, i) => spec.shape[i] !== -1 && d !== spec.shape[i])
        ) {
            return `input ${JSON.stringify(spec.name)} has shape ${JSON.stringify(shape)}; the model declares ${spec.datatype} [${spec.shape.join(", ")}]`;
        }
    }
    return undefined;
}

/**
 * Why `document` (a direct-invoke document, or an HTTP event whose body is one) cannot be answered by
 * the model the signature describes: a row of another length, or named with names it does not have; an
 * inference request whose inputs the model does not declare; rows for a model that takes tensors only.
 * Undefined when it fits, or when it is not a document this check can read.
 */
export function documentMismatch(document: { [key: string]: unknown }, signature: Signature): string | undefined {
    let doc = document;
    if (typeof document.body === "string") {
        try {
            doc = JSON.parse(
                document.isBase64Encoded ? Buffer.from(document.body, "base64").toString() : document.body,
            );
        } catch {
            return undefined;
        }
    }
    if (doc && typeof doc === "object" && "inputs" in doc) {
        return requestMismatch(doc.inputs, signature.inputs);
    }
    const rows = doc && typeof doc === "object" ? rowsOf(doc) : undefined;
    if (!rows) {
        return undefined;
    }
    if (signature.n_features === null) {
        return "the model is not one matrix of features: send an inference request (inputs), as its signature's sample does";
    }
    const names = signature.feature_names ?? [];
    for (const [i, row] of rows.entries()) {
        const where = "features" in doc ? "features" : `instances[${i}]`;
        if (Array.isArray(row) && row.length !== signature.n_features) {
            return `${where} has ${row.length} values; the model takes exactly ${signature.n_features}`;
        }
        if (row && typeof row === "object" && !Array.isArray(row)) {
            if (signature.feature_names_generated) {
                return `${where} names its features, but the model's features have no names: send ${signature.n_features} numbers in order`;
            }
            const keys = Object.keys(row);
            const missing = names.filter((n) => !keys.includes(n));
            const unknown = keys.filter((k) => !names.includes(k));
            if (missing.length || unknown.length) {
                const parts = [
                    ...(missing.length ? [`lacks ${missing.map((n) => JSON.stringify(n)).join(", ")}`] : []),
                    ...(unknown.length
                        ? [`has unknown features ${unknown.map((n) => JSON.stringify(n)).join(", ")}`]
                        : []),
                ];
                return `${where} ${parts.join(" and ")}`;
            }
        }
    }
    return undefined;
}
