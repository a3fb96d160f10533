// The models area of a function with many models (`models`): each entry judged as the single model's
// arguments are (its file, signature, files beside it, key, sha256 and name), its problems named by its
// place in the list; then what the list itself must be: within the contract's maximum, names unique, one
// format for the one runtime the image serves, and none of the single model's arguments beside it.
import * as path from "path";
import { InferenceFunctionArgs, ModelEntryArgs } from "../args";
import { CONTRACT } from "../contract";
import { DEFAULTS } from "../defaults";
import { ModelSettings, RepositorySettings } from "../resolved";
import { bytesWithFiles, gatherFacts, modelArea } from "./model";
import { Area, area, Facts, integerProblem, isKnown, Problem, signatureOf } from "./problems";

/** The single model's arguments, which `models` replaces. */
const SINGLE_ONLY = ["modelPath", "modelKey", "modelSha256", "modelName", "modelDelivery", "smokeTestEvent"] as const;
/** What only a function with many models takes. */
const MANY_ONLY = ["modelCacheBytes", "preloadModels"] as const;

/** The single model's arguments for one entry: its key of its own, the function's adopted bucket. */
function argsOf(a: InferenceFunctionArgs, entry: ModelEntryArgs): InferenceFunctionArgs {
    const own = entry.modelPath !== undefined ? `models/${entry.name}/${path.basename(entry.modelPath)}` : undefined;
    return {
        ...a,
        models: undefined,
        modelDelivery: undefined,
        smokeTestEvent: undefined,
        modelName: entry.name,
        modelPath: entry.modelPath,
        modelKey: entry.modelKey ?? own,
        modelSha256: entry.modelSha256,
        modelBucketName: entry.modelBucketName ?? a.modelBucketName,
    };
}

/** An entry's problem, named by its place in the list. */
function at(i: number, problem: Problem): Problem {
    const field = problem.propertyPath === "modelName" ? "name" : problem.propertyPath;
    return { ...problem, propertyPath: `models[${i}].${field}` };
}

/** The single model's arguments given beside `models`. */
function singleOnlyProblems(a: InferenceFunctionArgs): Problem[] {
    return SINGLE_ONLY.filter((p) => a[p] !== undefined).map((propertyPath) => ({
        propertyPath,
        reason: "is not used with models: each model is given in its entry (a smoke test is each model's own sample)",
    }));
}

/** What the list must be, beside each entry's own problems. */
function listProblems(a: InferenceFunctionArgs, models: ModelSettings[]): Problem[] {
    const problems: Problem[] = singleOnlyProblems(a);
    const names = models.map((m) => m.name);
    names.forEach((n, i) => {
        if (names.indexOf(n) !== i) {
            problems.push({
                propertyPath: `models[${i}].name`,
                reason: `must be unique; ${JSON.stringify(n)} is models[${names.indexOf(n)}]'s`,
            });
        }
    });
    models.forEach((m, i) => {
        if (m.format !== models[0].format) {
            problems.push({
                propertyPath: `models[${i}].modelPath`,
                reason: `must be of the format of models[0] (${models[0].format}): the image serves one runtime; got ${m.format}`,
            });
        }
    });
    problems.push(...integerProblem("modelCacheBytes", a.modelCacheBytes, 1, Number.MAX_SAFE_INTEGER));
    (a.preloadModels ?? []).forEach((n, i) => {
        if (!names.includes(n)) {
            problems.push({
                propertyPath: `preloadModels[${i}]`,
                reason: `must name one of the models (${names.join(", ")}); got ${JSON.stringify(n)}`,
            });
        }
    });
    return problems;
}

/** Every model is cached in /tmp once loaded: all of them, with their files, must fit there together. */
function tmpProblems(models: ModelSettings[], tmpMb: number | undefined): Problem[] {
    const total = models
        .filter((m) => m.delivery === "upload")
        .map((m) => bytesWithFiles(m.path, Object.keys(m.files)))
        .reduce((x, y) => x + y, 0);
    return tmpMb !== undefined && total > tmpMb * 1024 * 1024
        ? [
              {
                  propertyPath: "ephemeralStorageSize",
                  reason: `must be large enough to cache every model in /tmp: the models take ${total} bytes, /tmp is ${tmpMb} MB`,
              },
          ]
        : [];
}

/** Without `models`: the arguments only a function with many models takes are refused. */
export function singleModelProblems(a: InferenceFunctionArgs): Problem[] {
    return MANY_ONLY.filter((p) => a[p] !== undefined).map((propertyPath) => ({
        propertyPath,
        reason: "is used with models only (a function with many models)",
    }));
}

/** The models of a function with many; `resolved.models[0]` is the model whose format the image serves. */
export function modelsArea(
    name: string,
    a: InferenceFunctionArgs,
    tmpMb: number | undefined,
): Area<RepositorySettings> {
    const entries = a.models ?? [];
    const max = CONTRACT.repository.maxModels;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > max) {
        return {
            problems: [
                {
                    propertyPath: "models",
                    reason: `must list from 1 to ${max} models; got ${Array.isArray(entries) ? entries.length : JSON.stringify(entries)}`,
                },
            ],
        };
    }
    const judged = entries.map((entry, i) => {
        const one = argsOf(a, entry ?? ({} as ModelEntryArgs));
        const facts: Facts = gatherFacts(name, one, tmpMb);
        const judgedOne = modelArea(one, facts, tmpMb);
        return { facts, problems: judgedOne.problems.map((p) => at(i, p)), resolved: judgedOne.resolved };
    });
    const problems = judged.flatMap((j) => j.problems);
    if (problems.length > 0) {
        return { problems: [...problems, ...singleOnlyProblems(a)] };
    }
    const models = judged.map((j) => j.resolved as ModelSettings);
    const smokeTest = a.smokeTest ?? DEFAULTS.smokeTest;
    return area([...listProblems(a, models), ...tmpProblems(models, tmpMb)], () => ({
        models,
        cacheBytes: a.modelCacheBytes,
        preload: a.preloadModels ?? [],
        adoptedBucket: a.modelBucketName,
        smokeTests: smokeTest
            ? judged.flatMap((j, i) => {
                  const sample = signatureOf(j.facts)?.sample;
                  return sample && isKnown(models[i].sha256)
                      ? [
                            {
                                model: models[i].name,
                                event: JSON.stringify({ ...sample, model: models[i].name }),
                                sha256: models[i].sha256,
                            },
                        ]
                      : [];
              })
            : [],
    }));
}

/** The model the image is built for: the first, a text model's stage if any model needs it. */
export function imageModelOf(repository: RepositorySettings): ModelSettings {
    return { ...repository.models[0], text: repository.models.some((m) => m.text) };
}
