// Builds the Pulumi package schema of this package in-process, with the same
// analyzer `pulumi package add` uses, so tests and docs read what consumers get.
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { InferenceFunction } from "../components";

export const ROOT = path.resolve(__dirname, "..");

export async function buildSchema(): Promise<any> {
    const provider = new ComponentProvider({
        name: require(path.join(ROOT, "package.json")).name,
        dirname: ROOT,
        components: [InferenceFunction],
    } as ConstructorParameters<typeof ComponentProvider>[0]);
    return JSON.parse(await provider.getSchema());
}

if (require.main === module) {
    buildSchema()
        .then((schema) => process.stdout.write(JSON.stringify(schema, null, 2) + "\n"))
        .catch((e) => {
            console.error(e instanceof Error ? e.message : e);
            process.exit(1);
        });
}
