// `npm run plan [-- OPTIONS]`: the offline plan of the root program (demo/index.ts) under Pulumi mocks,
// its secure-defaults checklist, or its resource graph. Nothing is deployed; no credentials are needed.
// The command is plan/cli.ts, which `npx lambda-inference plan` runs too.
import { main } from "../plan/cli";

export { checks } from "../plan/checks";
export { parseOptions, PLAN_OPTIONS, PlanOptions, usage } from "../plan/cli";

if (require.main === module) {
    main(process.argv.slice(2)).then((status) => process.exit(status));
}
