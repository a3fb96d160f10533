#!/usr/bin/env node
// The package's command, `npx lambda-inference <command>` in a user's project (package.json "bin").
import { run } from "./commands";

run(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : error);
        process.exit(1);
    },
);
