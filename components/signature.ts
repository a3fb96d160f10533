// A model's signature: the model.json beside the model file (written by app/convert.py), read at
// deploy time to build the default smoke test, check an explicit one, and refuse a pickle the image
// cannot load. See app/signature.py for the writer.
import * as fs from "fs";
import * as path from "path";
import { CONTRACT } from "./contract";
import { parseObject } from "./json";
import { sha256File } from "./sha256";

export const SIGNATURE_FILE = "model.json";

/** A tensor as the inference protocol declares it (-1 for a dimension of any size). */
export interface TensorSpec {
    name: string;
    datatype: string;
    shape: number[];
}

/** A feature of a tabular model: what a request's value must be (see app/inference/runtimes/features.py). */
export interface FeatureSpec {
    name: string;
    /** number, integer, boolean or string. */
    type: string;
    /** True when the model answers a row without this value (null). */
    missing: boolean;
    /** The values the model was trained on, where known. */
    categories?: unknown[];
    /** True when a value outside `categories` is refused. */
    categories_only?: boolean;
    /** The model input that carries it (`columns` and `text` layouts). */
    input?: string;
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
    /** How rows reach the model: `matrix`, `columns` or `text` (absent in signatures written before it). */
    layout?: string | null;
    /** Each feature's type, whether it may be missing and its categories (absent before signature version 2). */
    features?: FeatureSpec[] | null;
    classes: unknown[] | null;
    /** The tensors the protocol declares (absent in signatures written before them). */
    inputs?: TensorSpec[];
    outputs?: TensorSpec[];
    /** A document the model answers: the default smoke test. */
    sample: { [key: string]: unknown } | null;
    /** Files the model needs beside it (a text model's tokenizer.json, config.json), each with its sha256. */
    files?: { [name: string]: string };
    /** A transformer text model: its task, maximum length, and labels or embedding dimension. */
    text?: { task: string; maxLength: number; labels?: string[]; dimension?: number };
    /** Libraries the image must hold for it: `onnxruntime-extensions` for a graph that tokenizes itself. */
    requires?: string[];
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
    const wrong = filesProblem(modelPath, signature.files ?? {});
    if (wrong) {
        return { problem: wrong };
    }
    return { signature, sha256: actual };
}

/** Why a file the signature lists beside the model is not there, or not the one it hashed. */
function filesProblem(modelPath: string, files: { [name: string]: string }): string | undefined {
    for (const [name, sha256] of Object.entries(files)) {
        const file = path.join(path.dirname(modelPath), name);
        if (path.basename(name) !== name || !fs.existsSync(file)) {
            return `needs ${name} beside it, as its signature says, and ${file} is not there`;
        }
        const actual = sha256File(file);
        if (actual !== sha256) {
            return `does not match its signature: ${name} beside it hashes to ${actual}, but the signature was written for ${sha256}; ${howToDescribe(modelPath)} again`;
        }
    }
    return undefined;
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

const { oneRow: ONE_ROW, manyRows: MANY_ROWS } = CONTRACT.requests.native;

/** The JSON type of a value, as the caller wrote it (what the app's messages name). */
function jsonType(value: unknown): string {
    if (value === null) {
        return "null";
    }
    return Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value;
}

/** A few names, quoted, and how many more (as the app lists them). */
function listed(names: string[], most = 5): string {
    const shown = names
        .slice(0, most)
        .map((n) => JSON.stringify(n))
        .join(", ");
    return names.length <= most ? shown : `${shown} and ${names.length - most} more`;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why a row given by name does not fit the model's names (the app's message), or undefined. */
function namedRowMismatch(row: { [key: string]: unknown }, where: string, signature: Signature): string | undefined {
    const n = signature.n_features;
    if (signature.feature_names_generated) {
        return `${where} names its features, but this model's features have no names (it was trained on an array without column names): send a list of ${n} numbers in training order`;
    }
    const names = signature.feature_names ?? [];
    const missing = names.filter((name) => !(name in row));
    const unknown = Object.keys(row).filter((key) => !names.includes(key));
    if (missing.length === 0 && unknown.length === 0) {
        return undefined;
    }
    const parts = [
        ...(missing.length ? [`lacks ${listed(missing)}`] : []),
        ...(unknown.length ? [`has unknown features ${listed(unknown)}`] : []),
    ];
    return `${where} ${parts.join(" and ")}; the model takes ${listed(names)}`;
}

/** Why a row's values do not fit the model (the app's message), or undefined. */
function rowMismatch(row: unknown, where: string, signature: Signature): string | undefined {
    const n = signature.n_features;
    const names = isObject(row) ? (signature.feature_names ?? []) : undefined;
    const values = names && isObject(row) ? names.map((name) => row[name]) : row;
    if (!Array.isArray(values)) {
        return `${where} must be a list of ${n} numbers`;
    }
    if (values.length !== n) {
        return `${where} has ${values.length} values; the model takes exactly ${n}`;
    }
    const bad = values.findIndex((v) => typeof v !== "number");
    if (bad >= 0) {
        const at = names ? `${where}.${names[bad]}` : `${where}[${bad}]`;
        return values[bad] === null
            ? `${at} is missing, but the model takes no missing value there: send a number`
            : `${at} must be a number; got ${jsonType(values[bad])}`;
    }
    return undefined;
}

/** The features of a tabular signature (one written before typed features: numbers, never missing). */
function featuresOf(signature: Signature): FeatureSpec[] {
    return (
        signature.features ?? (signature.feature_names ?? []).map((name) => ({ name, type: "number", missing: false }))
    );
}

/** A matrix of numbers that may not be missing: the app checks its rows by name first, then their values. */
function isPlain(signature: Signature): boolean {
    return (
        (signature.layout ?? "matrix") === "matrix" &&
        featuresOf(signature).every((f) => f.type === "number" && !f.missing)
    );
}

/** Why one value does not fit its feature (the app's protocols/native/typed.py message), or undefined. */
function valueMismatch(feature: FeatureSpec, value: unknown, at: string): string | undefined {
    if (value === null || value === undefined) {
        return feature.missing
            ? undefined
            : `${at} is missing, but the model takes no missing value there: send a ${feature.type}`;
    }
    switch (feature.type) {
        case "number":
            return typeof value === "number" ? undefined : `${at} must be a number; got ${jsonType(value)}`;
        case "integer":
            if (typeof value === "number" && Number.isInteger(value)) {
                return undefined;
            }
            return `${at} must be an integer; got ${typeof value === "number" ? String(value) : jsonType(value)}`;
        case "boolean":
            return typeof value === "boolean" ? undefined : `${at} must be true or false; got ${jsonType(value)}`;
        default:
            if (typeof value !== "string") {
                return `${at} must be a string; got ${jsonType(value)}`;
            }
            if (feature.categories_only && feature.categories && !feature.categories.includes(value)) {
                return `${at} is ${JSON.stringify(value)}, which the model was not trained on; it knows ${listed(feature.categories.map(String))}`;
            }
            return undefined;
    }
}

/** Why a row of a typed model does not fit it, checked as the app checks it: its shape, then each value. */
function typedRowMismatch(row: unknown, where: string, signature: Signature): string | undefined {
    const features = featuresOf(signature);
    const n = features.length;
    let values: unknown[];
    let places: string[];
    if (isObject(row)) {
        const mismatch = namedRowMismatch(row, where, signature);
        if (mismatch) {
            return mismatch;
        }
        values = features.map((f) => row[f.name]);
        places = features.map((f) => `${where}.${f.name}`);
    } else if (typeof row === "string" && signature.layout === "text") {
        values = [row];
        places = [where];
    } else if (!Array.isArray(row)) {
        const shape =
            signature.layout === "text"
                ? "a text"
                : `a list of ${n} values${signature.feature_names_generated ? "" : " or an object of them by name"}`;
        return `${where} must be ${shape}`;
    } else if (row.length !== n) {
        return `${where} has ${row.length} values; the model takes exactly ${n}`;
    } else {
        values = row;
        places = row.map((_, j) => `${where}[${j}]`);
    }
    for (const [j, feature] of features.entries()) {
        const mismatch = valueMismatch(feature, values[j], places[j]);
        if (mismatch) {
            return mismatch;
        }
    }
    return undefined;
}

/** Why native rows do not fit the model, checked as the app checks them: a plain matrix's rows by name first. */
function rowsMismatch(doc: { [key: string]: unknown }, signature: Signature): string | undefined {
    if (ONE_ROW in doc === MANY_ROWS in doc) {
        return `send exactly one of "${ONE_ROW}" (one row) or "${MANY_ROWS}" (a list of rows)`;
    }
    const rows = ONE_ROW in doc ? [doc[ONE_ROW]] : doc[MANY_ROWS];
    if (!Array.isArray(rows) || rows.length === 0) {
        return `${MANY_ROWS} must be a non-empty list of rows`;
    }
    const where = (i: number) => (ONE_ROW in doc ? ONE_ROW : `${MANY_ROWS}[${i}]`);
    if (!isPlain(signature)) {
        for (const [i, row] of rows.entries()) {
            const mismatch = typedRowMismatch(row, where(i), signature);
            if (mismatch) {
                return mismatch;
            }
        }
        return undefined;
    }
    for (const [i, row] of rows.entries()) {
        const mismatch = isObject(row) ? namedRowMismatch(row, where(i), signature) : undefined;
        if (mismatch) {
            return mismatch;
        }
    }
    for (const [i, row] of rows.entries()) {
        const mismatch = rowMismatch(row, where(i), signature);
        if (mismatch) {
            return mismatch;
        }
    }
    return undefined;
}

/**
 * Why `document` (a direct-invoke document, or an HTTP event whose body is one) cannot be answered by
 * the model the signature describes, in the very words the function would answer with (the shared
 * vectors in tests/vectors/native-requests.json hold both to it): rows that do not fit, an inference
 * request whose inputs the model does not declare, rows for a model that takes tensors only. Undefined
 * when it fits, or when it is not a document this check can read.
 */
export function documentMismatch(document: { [key: string]: unknown }, signature: Signature): string | undefined {
    let doc: unknown = document;
    if ("requestContext" in document || "httpMethod" in document || typeof document.body === "string") {
        // An HTTP event: its body is the document, when it has one (a GET of metadata has none).
        const body = document.body;
        doc =
            typeof body === "string"
                ? parseObject(document.isBase64Encoded ? Buffer.from(body, "base64").toString() : body)
                : undefined;
    }
    if (!isObject(doc)) {
        return undefined;
    }
    if (CONTRACT.requests.protocol.inputs in doc) {
        return requestMismatch(doc[CONTRACT.requests.protocol.inputs], signature.inputs);
    }
    if (signature.n_features === null) {
        return "the model is not one matrix of features: send an inference request (inputs), as its signature's sample does";
    }
    return rowsMismatch(doc, signature);
}
