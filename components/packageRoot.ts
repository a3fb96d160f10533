import * as fs from "fs";
import * as path from "path";

const NAME = "lambda-inference";

/**
 * The package's own folder (where its package.json is): the same from the TypeScript sources, from their
 * compiled JavaScript under bin/, and from node_modules/lambda-inference in a user's project, whatever
 * depth the calling module sits at.
 */
export function packageRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === NAME) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no package.json of ${NAME} above ${from}`);
        }
    }
}

/** A path inside the package. */
export function packagePath(...parts: string[]): string {
    return path.join(packageRoot(), ...parts);
}
