// The command's own tools, made on first use in the user's cache, never in their project: a Python venv with
// the pinned requirements of the local runs and conversion (local/requirements.txt), keyed by the hash of what
// decides its contents, and the Lambda Runtime Interface Emulator built with Go. Later runs find them ready.
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packagePath } from "../components/packageRoot";

/** A refusal the user can act on: printed as one line, exit status 1. */
export class ToolError extends Error {}

/** Set by this repository's scripts (or a user) to use a Python and an emulator of their own. */
export const PYTHON_ENV = "LAMBDA_INFERENCE_PYTHON";
export const RIE_ENV = "LAMBDA_INFERENCE_RIE";
const RIE_MODULE = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie";
const MIN_PYTHON: [number, number] = [3, 11];

/** `$XDG_CACHE_HOME/lambda-inference`, or `~/.cache/lambda-inference`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
    const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "lambda-inference");
}

/** What decides the venv's contents: the requirements, the constraints and the runtimes' pins. */
export function requirementsHash(): string {
    const hash = crypto.createHash("sha256");
    const pins = fs.readdirSync(packagePath("app", "requirements")).filter((f) => f.endsWith(".in"));
    const files = [
        packagePath("local", "requirements.txt"),
        packagePath("app", "constraints-dev.txt"),
        ...pins.sort().map((f) => packagePath("app", "requirements", f)),
    ];
    for (const file of files) {
        hash.update(fs.readFileSync(file));
    }
    return hash.digest("hex").slice(0, 16);
}

function say(line: string): void {
    process.stderr.write(`[lambda-inference] ${line}\n`);
}

/** A Python 3.11+ on PATH, newest first. */
function basePython(): string {
    const found: string[] = [];
    for (const candidate of ["python3.13", "python3.12", "python3.11", "python3"]) {
        const probe = spawnSync(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
            encoding: "utf8",
        });
        if (probe.status !== 0) {
            continue;
        }
        const version = probe.stdout.trim();
        const [major, minor] = version.split(".").map(Number);
        if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) {
            return candidate;
        }
        found.push(`${candidate} is ${version}`);
    }
    throw new ToolError(
        `needs Python ${MIN_PYTHON.join(".")} or newer on PATH (${found.join(", ") || "no python3 found"}): ` +
            `install it, or set ${PYTHON_ENV} to a Python that has local/requirements.txt installed`,
    );
}

function run(command: string, args: string[], what: string): void {
    const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (result.status !== 0) {
        const tail = `${result.stderr ?? ""}${result.error ? result.error.message : ""}`.trim().split("\n").slice(-8);
        throw new ToolError(`${what} failed:\n  ${tail.join("\n  ")}`);
    }
}

/**
 * The Python the command runs its tools with: $LAMBDA_INFERENCE_PYTHON, or the venv in the cache (made now,
 * with a progress line, when it is not there yet).
 */
export function ensurePython(env: NodeJS.ProcessEnv = process.env): string {
    if (env[PYTHON_ENV]) {
        return env[PYTHON_ENV] as string;
    }
    const venv = path.join(cacheDir(env), `python-${requirementsHash()}`);
    const python = path.join(venv, "bin", "python");
    if (fs.existsSync(path.join(venv, ".ready"))) {
        return python;
    }
    const base = basePython();
    say(`making its Python environment in ${venv} (first use, a few minutes; later runs start at once)`);
    const partial = `${venv}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(venv), { recursive: true });
    run(base, ["-m", "venv", partial], `${base} -m venv`);
    run(
        path.join(partial, "bin", "python"),
        [
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            "-r",
            packagePath("local", "requirements.txt"),
            "-c",
            packagePath("app", "constraints-dev.txt"),
        ],
        "pip install",
    );
    fs.writeFileSync(path.join(partial, ".ready"), new Date().toISOString());
    try {
        fs.renameSync(partial, venv);
    } catch {
        fs.rmSync(partial, { recursive: true, force: true }); // another run made it first
    }
    say("Python environment ready");
    return python;
}

/** The emulator: $LAMBDA_INFERENCE_RIE, or one built once with Go into the cache. */
export function ensureEmulator(env: NodeJS.ProcessEnv = process.env): string {
    if (env[RIE_ENV]) {
        return env[RIE_ENV] as string;
    }
    const version = fs.readFileSync(packagePath("local", "rie.version"), "utf8").trim();
    const folder = path.join(cacheDir(env), `rie-${version}`);
    const binary = path.join(folder, "aws-lambda-rie");
    if (fs.existsSync(binary)) {
        return binary;
    }
    if (spawnSync("go", ["version"]).status !== 0) {
        throw new ToolError(
            "needs Go (1.22 or newer) on PATH once, to build the Lambda Runtime Interface Emulator the local runs " +
                "start the function under: install Go, or pass --docker to run the function's image instead",
        );
    }
    say(`building the Lambda Runtime Interface Emulator ${version} into ${folder} (first use)`);
    fs.mkdirSync(folder, { recursive: true });
    const built = spawnSync("go", ["install", `${RIE_MODULE}@${version}`], {
        encoding: "utf8",
        env: { ...env, GOBIN: folder, GOFLAGS: "-mod=mod" },
    });
    if (built.status !== 0) {
        throw new ToolError(`go install ${RIE_MODULE}@${version} failed:\n  ${built.stderr.trim()}`);
    }
    return binary;
}
