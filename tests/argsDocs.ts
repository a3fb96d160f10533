// The arguments' documentation as the schema and the SDKs carry it: each property of each argument
// interface in components/args.ts, with its /** */ text, read with the TypeScript compiler.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export interface DocumentedProperty {
    /** The interface it belongs to, such as `InferenceFunctionArgs` or `AsyncInferenceArgs`. */
    owner: string;
    name: string;
    /** Its doc comment, on one line. */
    doc: string;
}

export const ARGS_FILE = path.resolve(__dirname, "..", "components", "args.ts");

export function documentedProperties(file = ARGS_FILE): DocumentedProperty[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const found: DocumentedProperty[] = [];
    for (const statement of source.statements) {
        if (!ts.isInterfaceDeclaration(statement)) {
            continue;
        }
        for (const member of statement.members) {
            if (!ts.isPropertySignature(member)) {
                continue;
            }
            const docs = ts.getJSDocCommentsAndTags(member).map((d) => d.getText());
            const doc = docs
                .join(" ")
                .replace(/^\/\*\*|\*\/$/g, "")
                .split("\n")
                .map((line) => line.replace(/^\s*\*\s?/, "").trim())
                .join(" ")
                .replace(/\s+/g, " ")
                .trim();
            found.push({ owner: statement.name.text, name: member.name.getText(), doc });
        }
    }
    return found;
}

/** The text after "Defaults to" up to the end of its sentence, or undefined. */
export function defaultText(doc: string): string | undefined {
    return /Defaults to (.+?)\.(?:\s|$)/.exec(doc)?.[1];
}
