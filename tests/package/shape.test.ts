// The component's shape stays as reshaped: no function of components/ grows past 80 lines, and no non-null
// assertion (`!`) stands where the resolved arguments' types should say what validation proved.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const COMPONENTS = path.resolve(__dirname, "..", "..", "components");
const MAX_FUNCTION_LINES = 80;

function sources(folder: string): ts.SourceFile[] {
    return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) {
            return sources(file);
        }
        return file.endsWith(".ts")
            ? [ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)]
            : [];
    });
}

function visit(node: ts.Node, each: (node: ts.Node) => void): void {
    each(node);
    ts.forEachChild(node, (child) => visit(child, each));
}

describe("the component's shape", () => {
    const files = sources(COMPONENTS);

    it(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
        const long: string[] = [];
        for (const file of files) {
            visit(file, (node) => {
                if (ts.isFunctionLike(node) && "body" in node && node.body) {
                    const start = file.getLineAndCharacterOfPosition(node.getStart()).line;
                    const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
                    if (end - start + 1 > MAX_FUNCTION_LINES) {
                        long.push(
                            `${path.relative(COMPONENTS, file.fileName)}:${start + 1} (${end - start + 1} lines)`,
                        );
                    }
                }
            });
        }
        assert.deepStrictEqual(long, []);
    });

    it("has no non-null assertion", () => {
        const found: string[] = [];
        for (const file of files) {
            visit(file, (node) => {
                if (ts.isNonNullExpression(node)) {
                    const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
                    found.push(`${path.relative(COMPONENTS, file.fileName)}:${line}`);
                }
            });
        }
        assert.deepStrictEqual(found, []);
    });
});
