// `npx lambda-inference <command>`: each command, its options, and what it runs. Every path is the user's,
// taken relative to the folder they stand in. The work itself is the repository's one implementation:
// app/convert.py converts and describes, local/start.py runs the function under the Lambda runtime emulator
// (what `npm start` runs), plan/cli.ts plans (what `npm run plan` runs).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { packagePath } from "../components/packageRoot";
import { main as planMain } from "../plan/cli";
import { ensureEmulator, ensurePython, PYTHON_ENV, RIE_ENV, ToolError } from "./python";

export const PROG = "lambda-inference";

/** An option: its value's name (none for a flag), its help, and how its value is checked. */
interface Option {
    value?: string;
    help: string;
    /** An existing file (or folder), or a path to write, resolved against the current folder. */
    kind?: "file" | "output" | "integer" | "models";
    repeat?: boolean;
    required?: boolean;
}

type Parsed = { [option: string]: string | string[] | true | undefined };

interface Command {
    summary: string;
    options: { [option: string]: Option };
    run(parsed: Parsed): Promise<number>;
}

const MODEL: Option = { value: "FILE", help: "the model (.onnx, .joblib) with its model.json beside it", kind: "file" };
/** The model, or several (NAME=FILE, once per model) behind one function, as `models` deploys them. */
const MODELS: Option = {
    value: "FILE",
    help: "the model (.onnx, .joblib) with its model.json beside it; NAME=FILE, once per model, for several models behind one function",
    kind: "models",
    repeat: true,
};
const DOCKER: Option = { help: "run the function's image (built with Docker) instead of the local emulator" };

/** The environment the Python tools run in: the package's app and local runner on the path. */
function toolEnv(python: string, rie?: string, prog?: string): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PYTHONPATH: [packagePath("app"), packagePath("local"), process.env.PYTHONPATH].filter(Boolean).join(":"),
        [PYTHON_ENV]: python,
        ...(rie ? { [RIE_ENV]: rie } : {}),
        LAMBDA_INFERENCE_PROG: prog ?? PROG,
    };
}

/**
 * Runs a Python tool to its end; its exit status. Ctrl-C reaches it with the terminal's process group, and
 * a SIGTERM sent to this command is passed on: the tool stops every process it started before it exits.
 */
function python(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(env[PYTHON_ENV] as string, args, { stdio: "inherit", env });
        const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
        const onInt = () => undefined; // the child has it too, and winds down on its own
        const onTerm = forward("SIGTERM");
        process.on("SIGINT", onInt);
        process.on("SIGTERM", onTerm);
        const done = () => {
            process.off("SIGINT", onInt);
            process.off("SIGTERM", onTerm);
        };
        child.on("error", (e) => {
            done();
            reject(new ToolError(`could not run ${env[PYTHON_ENV]}: ${e.message}`));
        });
        child.on("exit", (code, signal) => {
            done();
            resolve(code ?? (signal === "SIGINT" ? 130 : 1));
        });
    });
}

function flags(parsed: Parsed, mapping: { [option: string]: string }): string[] {
    const out: string[] = [];
    for (const [option, target] of Object.entries(mapping)) {
        const value = parsed[option];
        if (value === true) {
            out.push(target);
        } else if (Array.isArray(value)) {
            value.forEach((v) => out.push(target, v));
        } else if (value !== undefined) {
            out.push(target, value);
        }
    }
    return out;
}

/** convert.py with the user's paths; `--describe` for describe. */
function convert(describe: boolean) {
    return async (parsed: Parsed): Promise<number> => {
        const env = toolEnv(ensurePython());
        const out = parsed["--out"] ?? (describe ? undefined : path.dirname(parsed["--model"] as string));
        const args = [
            packagePath("app", "convert.py"),
            ...(describe ? ["--describe"] : []),
            ...flags({ ...parsed, "--out": out }, { "--model": "--model", "--sample": "--sample", "--out": "--out" }),
            ...flags(parsed, { "--opset": "--opset" }),
        ];
        return python(args, env);
    };
}

/** local/start.py, the local run `npm start` makes, with the emulator unless --docker. */
function localRun(extra: (parsed: Parsed) => string[], command: string) {
    return async (parsed: Parsed): Promise<number> => {
        const python3 = ensurePython();
        const rie = parsed["--docker"] ? undefined : ensureEmulator();
        const env = toolEnv(python3, rie, `${PROG} ${command}`);
        const common = flags(parsed, { "--model": "--model", "--docker": "--docker", "--model-name": "--model-name" });
        return python([packagePath("local", "start.py"), ...common, ...extra(parsed)], env);
    };
}

export const COMMANDS: { [name: string]: Command } = {
    convert: {
        summary: "convert a scikit-learn, XGBoost or LightGBM model to ONNX, proving parity, and write its model.json",
        options: {
            "--model": {
                ...MODEL,
                help: "the model to convert (.joblib, or a booster's .ubj, .json, .txt)",
                required: true,
            },
            "--sample": {
                value: "FILE",
                help: "a JSON document of rows the function accepts, to prove parity on",
                kind: "file",
            },
            "--out": {
                value: "DIR",
                help: "where model.onnx and model.json go (default: the model's folder)",
                kind: "output",
            },
            "--opset": { value: "N", help: "the ai.onnx opset (default 21)", kind: "integer" },
        },
        run: convert(false),
    },
    describe: {
        summary: "write the model.json of a model served as it is (a scikit-learn pickle, or any ONNX file)",
        options: {
            "--model": { ...MODEL, required: true },
            "--sample": {
                value: "FILE",
                help: "a JSON document the model answers, kept as its smoke test",
                kind: "file",
            },
            "--out": { value: "DIR", help: "where model.json goes (default: the model's folder)", kind: "output" },
        },
        run: convert(true),
    },
    invoke: {
        summary: "run the function locally once: the signature's sample (or --event files) answered and printed",
        options: {
            "--model": { ...MODELS, required: true },
            "--event": {
                value: "FILE",
                help: "an event to send instead of the sample (repeatable)",
                kind: "file",
                repeat: true,
            },
            "--model-name": { value: "NAME", help: "the model's name in /v2 paths (default inference)" },
            "--docker": DOCKER,
        },
        run: localRun((p) => [...flags(p, { "--event": "--event" }), "--no-plan"], "invoke"),
    },
    serve: {
        summary: "serve the model behind a local function URL until Ctrl-C",
        options: {
            "--model": { ...MODELS, required: true },
            "--port": { value: "N", help: "the local port (default 8080)", kind: "integer" },
            "--model-name": { value: "NAME", help: "the model's name in /v2 paths (default inference)" },
            "--capture": { value: "DIR", help: "keep data capture's records in DIR", kind: "output" },
            "--docker": DOCKER,
        },
        run: localRun((p) => ["--serve", ...flags(p, { "--port": "--port", "--capture": "--capture" })], "serve"),
    },
    batch: {
        summary: "score a data set (.csv with a header, or .jsonl) as the batch transform does",
        options: {
            "--model": { ...MODEL, required: true },
            "--input": {
                value: "FILE",
                help: "the data set: .csv with a header line, or .jsonl",
                kind: "file",
                required: true,
            },
            "--out": {
                value: "FILE",
                help: "the output lines (JSON Lines, one per input row)",
                kind: "output",
                required: true,
            },
            "--passthrough": {
                value: "COLUMN",
                help: "a column copied to each line, not given to the model (repeatable)",
                repeat: true,
            },
            "--rows-per-batch": { value: "N", help: "rows per invocation (default 500)", kind: "integer" },
            "--docker": DOCKER,
        },
        run: localRun(
            (p) => [
                ...flags(p, { "--input": "--batch", "--out": "--out", "--passthrough": "--passthrough" }),
                ...flags(p, { "--rows-per-batch": "--rows-per-batch" }),
            ],
            "batch",
        ),
    },
    plan: {
        summary: "the offline plan of an InferenceFunction serving the model: its resources and secure defaults",
        options: {
            "--model": {
                ...MODELS,
                help: "the model to plan for (default: the package's demo model); NAME=FILE, once per model, for several",
            },
            "--delivery": { value: "s3|image", help: "where the function finds the model (default s3)" },
            "--json": { help: "print the plan as JSON" },
            "--mermaid": { help: "print the resource graph as a Mermaid flowchart" },
        },
        run: async (p) =>
            planMain(
                flags(p, {
                    "--model": "--model",
                    "--delivery": "--delivery",
                    "--json": "--json",
                    "--mermaid": "--mermaid",
                }),
                `${PROG} plan`,
            ),
    },
};

/** The usage of one command, or of them all. */
export function usage(name?: string): string {
    if (name === undefined) {
        const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
        return [
            `usage: ${PROG} <command> [options]      (${PROG} <command> --help for its options)`,
            "",
            ...Object.entries(COMMANDS).map(([c, { summary }]) => `  ${c.padEnd(width)}${summary}`),
            "",
            `  --version${" ".repeat(Math.max(width - 9, 1))}print the version`,
        ].join("\n");
    }
    const command = COMMANDS[name];
    const lines = Object.entries(command.options).map(([option, o]) => {
        const shown = `${option}${o.value ? ` ${o.value}` : ""}`;
        return `  ${shown.padEnd(24)}${o.help}${o.required ? " (required)" : ""}`;
    });
    return [
        `usage: ${PROG} ${name} [options]`,
        "",
        command.summary,
        "",
        ...lines,
        `  ${"--help".padEnd(24)}print this help`,
    ].join("\n");
}

/** A mistake in the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {
    constructor(
        message: string,
        readonly command?: string,
    ) {
        super(message);
    }
}

function resolved(command: string, option: string, given: string, kind: Option["kind"], cwd: string): string {
    if (kind === "models") {
        // NAME=FILE names one of several models; the file is still the user's, relative to where they stand.
        const named = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,127})=(.+)$/s.exec(given);
        return named
            ? `${named[1]}=${resolved(command, option, named[2], "file", cwd)}`
            : resolved(command, option, given, "file", cwd);
    }
    const full = path.resolve(cwd, given);
    if (kind === "integer") {
        if (!/^\d+$/.test(given)) {
            throw new UsageError(`${option} takes a whole number; got ${given}`, command);
        }
        return given;
    }
    if (kind === "file" && !fs.existsSync(full)) {
        throw new ToolError(`${option} ${given}: no such file (${full})`);
    }
    if (kind === "output" && !fs.existsSync(path.dirname(full))) {
        throw new ToolError(`${option} ${given}: its folder does not exist (${path.dirname(full)})`);
    }
    return kind ? full : given;
}

/** The command's options from its arguments, paths resolved against `cwd`. */
export function parse(name: string, argv: string[], cwd: string): Parsed | "help" {
    const command = COMMANDS[name];
    const parsed: Parsed = {};
    for (let i = 0; i < argv.length; i++) {
        const [option, inline] = argv[i].startsWith("--") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
        if (option === "--help" || option === "-h") {
            return "help";
        }
        const spec = command.options[option];
        if (spec === undefined) {
            throw new UsageError(`${name} takes no option ${option}`, name);
        }
        if (spec.value === undefined) {
            parsed[option] = true;
            continue;
        }
        const value = inline ?? argv[++i];
        if (value === undefined || (inline === undefined && value.startsWith("--"))) {
            throw new UsageError(`${option} takes ${spec.value}`, name);
        }
        const checked = resolved(name, option, value, spec.kind, cwd);
        parsed[option] = spec.repeat ? [...((parsed[option] as string[]) ?? []), checked] : checked;
    }
    const missing = Object.entries(command.options).filter(([o, s]) => s.required && parsed[o] === undefined);
    if (missing.length) {
        throw new UsageError(`${name} needs ${missing.map(([o, s]) => `${o} ${s.value}`).join(" and ")}`, name);
    }
    return parsed;
}

/** Runs the command line `argv`; the exit status. */
export async function run(argv: string[], cwd = process.cwd()): Promise<number> {
    const [name, ...rest] = argv;
    try {
        if (name === "--version") {
            console.log(JSON.parse(fs.readFileSync(packagePath("package.json"), "utf8")).version);
            return 0;
        }
        if (name === undefined || name === "--help" || name === "-h") {
            console.log(usage());
            return name === undefined ? 2 : 0;
        }
        if (!(name in COMMANDS)) {
            throw new UsageError(`unknown command ${name}`);
        }
        const parsed = parse(name, rest, cwd);
        if (parsed === "help") {
            console.log(usage(name));
            return 0;
        }
        return await COMMANDS[name].run(parsed);
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(`${PROG}: ${e.message}\n\n${usage(e.command)}`);
            return 2;
        }
        if (e instanceof ToolError) {
            console.error(`${PROG}: ${e.message}`);
            return 1;
        }
        throw e;
    }
}
