// `npm run plan [-- --json | --mermaid] [--delivery image]`: the offline plan of the root program
// (demo/index.ts) under Pulumi mocks, its secure-defaults checklist, or its resource graph. Nothing is
// deployed; no credentials are needed. The plan itself lives in plan/.
import { mermaid } from "../plan/mermaid";
import { render } from "../plan/render";
import { plan } from "../plan/run";

export { checks } from "../plan/checks";

if (require.main === module) {
    const at = process.argv.indexOf("--delivery");
    plan(at >= 0 ? process.argv[at + 1] : "s3")
        .then((p) => {
            if (process.argv.includes("--mermaid")) {
                console.log(mermaid(p));
            } else if (process.argv.includes("--json")) {
                process.stdout.write(JSON.stringify({ deployed: false, ...p }, null, 2) + "\n");
            } else {
                console.log(render(p));
            }
            process.exit(p.checks.every((c) => c.pass || c.advisory) ? 0 : 1);
        })
        .catch((e) => {
            console.error(`plan failed: ${e instanceof Error ? e.message : e}`);
            process.exit(1);
        });
}
