// The offline plan as a command: `npm run plan` in this repository, `npx lambda-inference plan` in a user's
// project. Runs the root program (demo/index.ts) under mocks with the model given; nothing is deployed.
import { mermaid } from "./mermaid";
import { render } from "./render";
import { plan } from "./run";

/** Every option, with its help line; anything else is refused. */
export const PLAN_OPTIONS: { [option: string]: { value?: string; help: string } } = {
    "--model": {
        value: "PATH",
        help: "the model to plan for, with its model.json beside it; default the ONNX demo; NAME=PATH, once per model, plans several models behind one function (`models`)",
    },
    "--delivery": { value: "s3|image", help: "where the function finds the model (modelDelivery); default s3" },
    "--json": { help: "print the plan as JSON for tooling" },
    "--mermaid": { help: "print the resource graph as a Mermaid flowchart" },
    "--help": { help: "print this help and exit" },
};

export interface PlanOptions {
    delivery: string;
    model?: string;
    /** Several models (`--model NAME=PATH` given once per model). */
    models?: { name: string; modelPath: string }[];
    format: "text" | "json" | "mermaid";
    help: boolean;
}

/** The options, or an error naming the one that is wrong. */
export function parseOptions(argv: string[]): PlanOptions {
    const options: PlanOptions = { delivery: "s3", format: "text", help: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--delivery") {
            const value = argv[++i];
            if (value !== "s3" && value !== "image") {
                throw new Error(`--delivery takes s3 or image; got ${value === undefined ? "nothing" : value}`);
            }
            options.delivery = value;
        } else if (arg === "--model") {
            const value = argv[++i];
            if (value === undefined || value.startsWith("--")) {
                throw new Error("--model takes the path of a model file");
            }
            const named = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,127})=(.+)$/.exec(value);
            if (named) {
                options.models = [...(options.models ?? []), { name: named[1], modelPath: named[2] }];
            } else if (options.model !== undefined) {
                throw new Error("--model is given once, or as NAME=PATH once per model");
            } else {
                options.model = value;
            }
        } else if (arg === "--json" || arg === "--mermaid") {
            options.format = arg === "--json" ? "json" : "mermaid";
        } else if (arg === "--help" || arg === "-h") {
            options.help = true;
        } else {
            throw new Error(`unknown option ${arg}; --help lists them`);
        }
    }
    return options;
}

export function usage(command = "npm run plan --"): string {
    const lines = Object.entries(PLAN_OPTIONS).map(
        ([option, { value, help }]) => `  ${`${option}${value ? ` ${value}` : ""}`.padEnd(22)}${help}`,
    );
    return [
        `usage: ${command} [options]`,
        "",
        "The offline plan of demo/index.ts: nothing is deployed.",
        "",
        ...lines,
    ].join("\n");
}

/**
 * Runs the plan command with `argv` (its options); the exit status: 0 when every secure default holds, 1 when
 * a check fails or the model cannot be planned, 2 for options it does not take. `command` names it in messages.
 */
export async function main(argv: string[], command = "npm run plan"): Promise<number> {
    // npm passes options after its own "--".
    const shown = command.startsWith("npm ") ? `${command} --` : command;
    let options: PlanOptions;
    try {
        options = parseOptions(argv);
    } catch (e) {
        console.error(`${command}: ${e instanceof Error ? e.message : e}\n\n${usage(shown)}`);
        return 2;
    }
    if (options.help) {
        console.log(usage(shown));
        return 0;
    }
    try {
        if (options.models && options.model !== undefined) {
            throw new Error("--model is given once, or as NAME=PATH once per model");
        }
        const p = await plan(options.delivery, options.model, options.models);
        if (options.format === "mermaid") {
            console.log(mermaid(p));
        } else if (options.format === "json") {
            process.stdout.write(JSON.stringify({ deployed: false, ...p }, null, 2) + "\n");
        } else {
            console.log(render(p));
        }
        return p.checks.every((c) => c.pass || c.advisory) ? 0 : 1;
    } catch (e: any) {
        // An InputPropertiesError carries each argument's problem apart from its summary.
        const details = (e?.errors ?? []).map((p: any) => `\n  ${p.propertyPath}: ${p.reason}`).join("");
        console.error(`plan failed: ${e instanceof Error ? e.message : e}${details}`);
        return 1;
    }
}
