// The model area: where the model is (a file to upload or bake in, or an existing object), its format,
// its signature, its name in the protocol's paths, and the shape of a given key and sha256.
import * as fs from "fs";
import * as path from "path";
import { InferenceFunctionArgs } from "../args";
import { CONTRACT, contractOf } from "../contract";
import {
    BUNDLED_APP_PATH,
    DEFAULTS,
    FORMAT_OF_EXTENSION,
    LARGE_IMAGE_MODEL_BYTES,
    MAX_IMAGE_BYTES,
    MODEL_DELIVERIES,
    MODEL_FORMATS,
    MODEL_PATH_IN_IMAGE,
    ModelFormat,
} from "../defaults";
import { ModelSettings } from "../resolved";
import { readSignature } from "../signature";
import { Area, area, checked, Facts, isKnown, oneOfProblem, patternProblem, Problem } from "./problems";

/** The arguments that only an S3 object uses, refused with the model in the image. */
const S3_ONLY = ["modelBucketName", "modelKey", "modelSha256"] as const;

/**
 * The model's format: as given, else what its file name says (`modelPath`, else a `modelKey` known now).
 * A problem instead when neither settles it.
 */
export function inferFormat(a: InferenceFunctionArgs): { format: ModelFormat } | { problem: Problem } {
    if (a.modelFormat !== undefined) {
        return { format: a.modelFormat };
    }
    const name = a.modelPath ?? (isKnown(a.modelKey) ? String(a.modelKey) : undefined);
    if (name === undefined) {
        return a.modelKey === undefined
            ? { format: MODEL_FORMATS[0] }
            : {
                  problem: {
                      propertyPath: "modelFormat",
                      reason: `is required when modelKey is only known at deploy time (${MODEL_FORMATS.join(" or ")})`,
                  },
              };
    }
    const format = FORMAT_OF_EXTENSION[path.extname(name).toLowerCase()];
    return format !== undefined
        ? { format }
        : {
              problem: {
                  propertyPath: "modelFormat",
                  reason: `is required: the model's name ${JSON.stringify(path.basename(name))} does not tell (${extensionsRule()})`,
              },
          };
}

/** ".onnx is onnx; .joblib, .pkl and .pickle are sklearn", from the contract. */
function extensionsRule(): string {
    const byFormat = MODEL_FORMATS.map((format) => {
        const names = Object.keys(FORMAT_OF_EXTENSION).filter((e) => FORMAT_OF_EXTENSION[e] === format);
        const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names[0];
        return `${list} ${names.length > 1 ? "are" : "is"} ${format}`;
    });
    return byFormat.join("; ");
}

/** The model file's size, or undefined when there is no file at that path. */
function sizeOf(modelPath: string): number | undefined {
    const stat = fs.statSync(modelPath, { throwIfNoEntry: false });
    return stat?.isFile() ? stat.size : undefined;
}

/** The bytes of a model file and of the files its signature lists beside it (what /tmp and memory hold). */
export function bytesWithFiles(modelPath: string, files: string[]): number {
    const folder = path.dirname(modelPath);
    return [modelPath, ...files.map((f) => path.join(folder, f))].map((f) => sizeOf(f) ?? 0).reduce((x, y) => x + y, 0);
}

/** A local model file: it exists, and fits where its delivery puts it (`tmpMb` undefined: /tmp is not known). */
function fileProblems(modelPath: string, inImage: boolean, tmpMb: number | undefined): Problem[] {
    const size = sizeOf(modelPath);
    if (size === undefined) {
        return [{ propertyPath: "modelPath", reason: `must be an existing file; ${modelPath} is not one` }];
    }
    if (inImage && size > MAX_IMAGE_BYTES) {
        return [
            {
                propertyPath: "modelPath",
                reason: `must be under Lambda's 10 GB image limit with modelDelivery "image"; ${modelPath} is ${size} bytes: use modelDelivery "s3"`,
            },
        ];
    }
    if (!inImage && tmpMb !== undefined && size > tmpMb * 1024 * 1024) {
        return [
            {
                propertyPath: "ephemeralStorageSize",
                reason: `must be large enough to hold the model in /tmp: ${modelPath} is ${size} bytes, /tmp is ${tmpMb} MB`,
            },
        ];
    }
    return [];
}

/** Where the model is: a file (uploaded or baked in) or an existing object, and what each needs. */
function sourceProblems(a: InferenceFunctionArgs, inImage: boolean, tmpMb: number | undefined): Problem[] {
    if (a.modelPath !== undefined) {
        return fileProblems(path.resolve(a.modelPath), inImage, tmpMb);
    }
    if (inImage) {
        return [{ propertyPath: "modelPath", reason: 'is required with modelDelivery "image"' }];
    }
    if (a.modelBucketName === undefined || a.modelKey === undefined) {
        return [
            {
                propertyPath: "modelPath",
                reason: "is required unless modelBucketName and modelKey name a model object that already exists",
            },
        ];
    }
    return a.modelSha256 === undefined
        ? [
              {
                  propertyPath: "modelSha256",
                  reason: "is required when the model is not uploaded from modelPath (the function verifies the download against it)",
              },
          ]
        : [];
}

/** What the model in the image makes meaningless. */
function inImageProblems(a: InferenceFunctionArgs): Problem[] {
    const unused = S3_ONLY.filter((prop) => a[prop] !== undefined).map((propertyPath) => ({
        propertyPath,
        reason: 'is not used with modelDelivery "image": the model is inside the image, hashed from modelPath',
    }));
    return a.buildArgs?.MODEL_FILE === undefined
        ? unused
        : [
              ...unused,
              {
                  propertyPath: "buildArgs.MODEL_FILE",
                  reason: 'is set by the component with modelDelivery "image" (the file name of modelPath)',
              },
          ];
}

/**
 * Reads the signature beside a model file that exists and fits where it goes (validation reports a file
 * that does not as such): the file is hashed here, once per deploy.
 */
export function gatherFacts(componentName: string, a: InferenceFunctionArgs, tmpMb: number | undefined): Facts {
    if (a.modelPath === undefined) {
        return { componentName };
    }
    const modelPath = path.resolve(a.modelPath);
    const inImage = (a.modelDelivery ?? DEFAULTS.modelDelivery) === "image";
    return fileProblems(modelPath, inImage, tmpMb).length > 0
        ? { componentName }
        : { componentName, signature: readSignature(modelPath) };
}

function modelNameProblems(a: InferenceFunctionArgs, name: string): Problem[] {
    if (new RegExp(CONTRACT.settings.modelName.pattern).test(name)) {
        return [];
    }
    const why = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters";
    return [
        {
            propertyPath: "modelName",
            reason:
                a.modelName === undefined
                    ? `defaults to the component's name ${JSON.stringify(name)}, which is not a model name (${why}): give one`
                    : `must be ${why} (it is a segment of /v2/models/{modelName}); got ${JSON.stringify(name)}`,
        },
    ];
}

/** The signature against the rest: it must exist, and say what the arguments and the image say. */
function signatureProblems(a: InferenceFunctionArgs, facts: Facts, format: ModelFormat | undefined): Problem[] {
    if (facts.signature === undefined) {
        return [];
    }
    if ("problem" in facts.signature) {
        return [{ propertyPath: "modelPath", reason: facts.signature.problem }];
    }
    const { signature } = facts.signature;
    if (format !== undefined && signature.format !== format) {
        return [
            {
                propertyPath: "modelFormat",
                reason: `must be the format the model's signature gives (${signature.format}); got ${JSON.stringify(format)}`,
            },
        ];
    }
    const trained = signature.versions?.trained_with?.["scikit-learn"];
    const served = contractOf(path.resolve(a.appPath ?? BUNDLED_APP_PATH))?.formats.sklearn?.serves["scikit-learn"];
    if (format === "sklearn" && trained !== undefined && served !== undefined && trained !== served) {
        return [
            {
                propertyPath: "modelPath",
                reason: `was trained with scikit-learn ${trained}, but the image serves scikit-learn ${served}: a pickle from another version may not load, or may answer differently; retrain with scikit-learn ${served}, or convert the model to ONNX (app/convert.py)`,
            },
        ];
    }
    return [];
}

/** The files the signature lists beside the model (a tokenizer, external weights): where each can go, and room. */
function besideProblems(
    a: InferenceFunctionArgs,
    facts: Facts,
    inImage: boolean,
    tmpMb: number | undefined,
): Problem[] {
    if (a.modelPath === undefined || facts.signature === undefined || !("signature" in facts.signature)) {
        return [];
    }
    const { signature } = facts.signature;
    const names = Object.keys(signature.files ?? {});
    if (names.length === 0) {
        return [];
    }
    if (inImage && signature.text === undefined) {
        // The bundled image's model layer holds the model and a text model's *.json, not arbitrary weight files.
        return [
            {
                propertyPath: "modelDelivery",
                reason: `must be "s3" for a model whose weights are in files beside it (${names.join(", ")}): they are uploaded and verified with it; or save the model with its weights inside`,
            },
        ];
    }
    const total = bytesWithFiles(path.resolve(a.modelPath), names);
    return !inImage && tmpMb !== undefined && total > tmpMb * 1024 * 1024
        ? [
              {
                  propertyPath: "ephemeralStorageSize",
                  reason: `must be large enough to hold the model and the files beside it in /tmp: ${total} bytes, /tmp is ${tmpMb} MB`,
              },
          ]
        : [];
}

/** The shape of a key known now: one object, named exactly. */
function keyProblems(modelKey: unknown): Problem[] {
    if (!isKnown(modelKey)) {
        return [];
    }
    const key = String(modelKey);
    if (key === "" || key.startsWith("/")) {
        return [
            {
                propertyPath: "modelKey",
                reason: `must be a non-empty object key that does not start with "/"; got ${JSON.stringify(modelKey)}`,
            },
        ];
    }
    return /[*?]/.test(key)
        ? [
              {
                  propertyPath: "modelKey",
                  reason: `must name one object, without * or ? (the role may read exactly that object, and a wildcard would widen it to every match); got ${JSON.stringify(modelKey)}`,
              },
          ]
        : [];
}

/** The model's settings, once every check passed: the file's sha256 is the one hashed for its signature. */
function modelOf(a: InferenceFunctionArgs, facts: Facts, format: ModelFormat, name: string): ModelSettings {
    const delivery = a.modelDelivery ?? DEFAULTS.modelDelivery;
    if (a.modelPath === undefined) {
        return {
            delivery: "existing",
            name,
            files: {},
            text: false,
            format,
            bucketName: checked("modelBucketName", a.modelBucketName),
            key: checked("modelKey", a.modelKey),
            sha256: checked("modelSha256", a.modelSha256),
        };
    }
    const read = facts.signature && "signature" in facts.signature ? facts.signature : undefined;
    const file = {
        name,
        format,
        path: path.resolve(a.modelPath),
        sha256: checked("modelPath", read?.sha256),
        files: read?.signature.files ?? {},
        // The text stage holds the tokenizer library and onnxruntime-extensions (a graph that tokenizes itself).
        text: read?.signature.text !== undefined || (read?.signature.requires ?? []).includes("onnxruntime-extensions"),
    };
    if (delivery === "image") {
        const contextDir = path.dirname(file.path);
        const pathInImage = MODEL_PATH_IN_IMAGE[format];
        return { delivery: "image", ...file, contextDir, file: path.basename(file.path), pathInImage };
    }
    const key = a.modelKey ?? `models/${path.basename(file.path)}`;
    return { delivery: "upload", ...file, key, adoptedBucket: a.modelBucketName };
}

/** The model's delivery, where it is, its format and signature, and the shape of a given sha256 and key. */
export function modelArea(a: InferenceFunctionArgs, facts: Facts, tmpMb: number | undefined): Area<ModelSettings> {
    const inImage = (a.modelDelivery ?? DEFAULTS.modelDelivery) === "image";
    const inferred = inferFormat(a);
    const format = "format" in inferred && MODEL_FORMATS.includes(inferred.format) ? inferred.format : undefined;
    const name = a.modelName ?? facts.componentName;
    const problems = [
        ...oneOfProblem("modelDelivery", a.modelDelivery, MODEL_DELIVERIES),
        ...sourceProblems(a, inImage, tmpMb),
        ...(inImage ? inImageProblems(a) : []),
        ...oneOfProblem("modelFormat", a.modelFormat, MODEL_FORMATS),
        ...("problem" in inferred ? [inferred.problem] : []),
        ...signatureProblems(a, facts, format),
        ...besideProblems(a, facts, inImage, tmpMb),
        ...patternProblem(
            "modelSha256",
            a.modelSha256,
            /^[0-9a-f]{64}$/,
            `must be 64 lowercase hex characters; got ${JSON.stringify(a.modelSha256)}`,
        ),
        ...keyProblems(a.modelKey),
        ...modelNameProblems(a, name),
    ];
    return area(problems, () => modelOf(a, facts, checked("modelFormat", format), name));
}

/** A warning for a model in the image large enough to slow every cold start; undefined otherwise. */
export function largeModelWarning(name: string, model: ModelSettings): string | undefined {
    if (model.delivery !== "image") {
        return undefined;
    }
    const size = sizeOf(model.path) ?? 0;
    return size > LARGE_IMAGE_MODEL_BYTES
        ? `InferenceFunction "${name}": the model (${model.path}, ${size} bytes) is over 500 MB; every cold start that pulls the image pays for it, so modelDelivery "s3" is the better home for it`
        : undefined;
}
