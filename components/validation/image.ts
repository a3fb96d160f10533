// The image area: the app folder and its Dockerfile, the platform, the Python of the base, how many images
// the repository keeps, and the build's target and arguments (which follow the model and data capture).
import * as fs from "fs";
import * as path from "path";
import { InferenceFunctionArgs } from "../args";
import { CONTRACT } from "../contract";
import {
    BASE_IMAGE_REPOSITORY,
    BUNDLED_APP_PATH,
    DEFAULTS,
    MANAGED_INSTANCES,
    PLATFORMS,
    PYTHON_VERSIONS,
    SNAP_START,
    TEXT_TARGET,
} from "../defaults";
import { ImageSettings, ModelSettings } from "../resolved";
import { Area, area, integerProblem, isKnown, oneOfProblem, Problem } from "./problems";

function appProblems(a: InferenceFunctionArgs, appPath: string, dockerfilePath: string): Problem[] {
    if (!fs.statSync(appPath, { throwIfNoEntry: false })?.isDirectory()) {
        return [{ propertyPath: "appPath", reason: `must be an existing directory; ${appPath} is not one` }];
    }
    if (!fs.statSync(dockerfilePath, { throwIfNoEntry: false })?.isFile()) {
        return [
            {
                propertyPath: a.dockerfile === undefined ? "appPath" : "dockerfile",
                reason: `must name a Dockerfile inside appPath; ${dockerfilePath} does not exist`,
            },
        ];
    }
    return [];
}

/** The base's Python: one the Dockerfile builds on, pinned consistently, new enough for managed instances. */
function pythonProblems(a: InferenceFunctionArgs, python: string): Problem[] {
    const problems = oneOfProblem("pythonVersion", a.pythonVersion, PYTHON_VERSIONS);
    const base = a.buildArgs?.BASE_IMAGE;
    if (isKnown(base) && String(base).startsWith(`${BASE_IMAGE_REPOSITORY}:`)) {
        const tag = String(base)
            .slice(BASE_IMAGE_REPOSITORY.length + 1)
            .split("@")[0];
        if (tag !== python) {
            problems.push({
                propertyPath: "buildArgs.BASE_IMAGE",
                reason: `is Python ${tag}, but pythonVersion is ${python}: pin the base of the same version`,
            });
        }
    }
    if (a.computeType === "managedInstances" && python < MANAGED_INSTANCES.minimumPython) {
        problems.push({
            propertyPath: "pythonVersion",
            reason: `must be ${MANAGED_INSTANCES.minimumPython} or newer with computeType "managedInstances": Lambda Managed Instances run Python 3.13 and later; got ${python}`,
        });
    }
    return problems;
}

/** An object, or undefined when it has no key. */
function orNone<T extends object>(value: T): T | undefined {
    return Object.keys(value).length > 0 ? value : undefined;
}

/** How the image is built: its folder, platform, base and target, following the model and data capture. */
export function imageArea(a: InferenceFunctionArgs, model: ModelSettings | undefined): Area<ImageSettings> {
    const appPath = path.resolve(a.appPath ?? BUNDLED_APP_PATH);
    const dockerfilePath = path.resolve(appPath, a.dockerfile ?? DEFAULTS.dockerfile);
    const architecture = a.architecture ?? DEFAULTS.architecture;
    const pythonVersion = a.pythonVersion ?? DEFAULTS.pythonVersion;
    const problems = [
        ...appProblems(a, appPath, dockerfilePath),
        ...oneOfProblem("architecture", a.architecture, Object.keys(PLATFORMS)),
        ...pythonProblems(a, pythonVersion),
        ...integerProblem("keepImages", a.keepImages, 1, 1000),
    ];
    // Without a valid model there is no target to build; the model's own problems say why.
    if (model === undefined) {
        return { problems };
    }
    const inImage = model.delivery === "image";
    return area(problems, () => ({
        appPath,
        dockerfilePath,
        // The Dockerfile's own BASE_IMAGE (pinned by `npm run pin-base-image`) is the default Python's; another
        // Python gets its base by tag, unless the build arguments pin one (checked to be of that version).
        buildArgs: orNone({
            ...(pythonVersion !== DEFAULTS.pythonVersion
                ? { BASE_IMAGE: `${BASE_IMAGE_REPOSITORY}:${pythonVersion}` }
                : {}),
            ...a.buildArgs,
            ...(inImage ? { MODEL_FILE: model.file } : {}),
            // Data capture's extension is in the image only when capture is on.
            ...(a.dataCapture ? { [CONTRACT.capture.buildArg]: "on" } : {}),
        }),
        // A text model needs the text stage (its tokenizer library) on top of the ONNX runtime.
        target: a.buildTarget ?? `${model.text ? TEXT_TARGET : model.format}${inImage ? "-bundled" : ""}`,
        architecture,
        platform: PLATFORMS[architecture],
        pythonVersion,
        keepImages: a.keepImages ?? DEFAULTS.keepImages,
    }));
}

/** A Dockerfile of your own cannot be checked for what SnapStart needs of its base: say so at deploy time. */
export function ownDockerfileSnapStartWarning(name: string, a: InferenceFunctionArgs): string | undefined {
    if (a.snapStart !== true || (a.dockerfile === undefined && a.appPath === undefined)) {
        return undefined;
    }
    return (
        `InferenceFunction "${name}": snapStart needs an image Lambda may snapshot: one on an AWS base image for ` +
        `Python 3.12 or later, or one labelled ${SNAP_START.label} (as the bundled app/Dockerfile is); ` +
        "otherwise publishing each version fails"
    );
}
