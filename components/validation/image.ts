import * as fs from "fs";
import * as path from "path";
import { BUNDLED_APP_PATH, DEFAULTS, PLATFORMS } from "../defaults";
import { Check, oneOfProblem, Problem } from "./problems";

/** The app folder, its Dockerfile and the architecture the image is built for. */
export const checkImage: Check = (a) => {
    const problems: Problem[] = [];
    const appPath = path.resolve(a.appPath ?? BUNDLED_APP_PATH);
    const dockerfilePath = path.resolve(appPath, a.dockerfile ?? DEFAULTS.dockerfile);
    if (!fs.statSync(appPath, { throwIfNoEntry: false })?.isDirectory()) {
        problems.push({ propertyPath: "appPath", reason: `must be an existing directory; ${appPath} is not one` });
    } else if (!fs.statSync(dockerfilePath, { throwIfNoEntry: false })?.isFile()) {
        problems.push({
            propertyPath: a.dockerfile === undefined ? "appPath" : "dockerfile",
            reason: `must name a Dockerfile inside appPath; ${dockerfilePath} does not exist`,
        });
    }
    return [...problems, ...oneOfProblem("architecture", a.architecture, Object.keys(PLATFORMS))];
};
