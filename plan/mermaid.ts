// The plan's resource graph as a Mermaid flowchart (the one docs/architecture.md embeds).
import { Plan, Link } from "./types";

/** A short label for a type token: `aws:s3/bucket:Bucket` is `s3.Bucket`, `command:local:Command` `command.local.Command`. */
function shortType(token: string): string {
    const [pkg, mod, type] = token.split(":");
    return [pkg === "aws" ? "" : pkg, mod === "index" ? "" : mod.split("/")[0], type].filter(Boolean).join(".");
}

/**
 * The plan's resource graph as a Mermaid flowchart: the component as a box around its children, an
 * arrow from each resource to those that depend on it (what `pulumi up` creates first points onward).
 */
export function mermaid(p: Plan): string {
    // Sorted by name, not registration order (which async work inside the program may shuffle).
    const links = [...p.links].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    const ids = new Map(links.map((l, i) => [`${l.type}::${l.name}`, `r${i}`]));
    const node = (l: Link) => `${ids.get(`${l.type}::${l.name}`)}["${l.name}<br/><small>${shortType(l.type)}</small>"]`;
    const lines = ["flowchart LR"];
    const roots = links.filter((l) => l.parent === undefined);
    for (const root of roots) {
        const key = `${root.type}::${root.name}`;
        const children = links.filter((l) => l.parent === key);
        if (children.length === 0) {
            lines.push(`    ${node(root)}`);
            continue;
        }
        lines.push(`    subgraph ${ids.get(key)}["${root.name} (${shortType(root.type)})"]`);
        lines.push(...children.map((c) => `        ${node(c)}`));
        lines.push("    end");
    }
    for (const l of links) {
        for (const d of l.dependencies) {
            if (ids.has(d)) {
                lines.push(`    ${ids.get(d)} --> ${ids.get(`${l.type}::${l.name}`)}`);
            }
        }
    }
    return lines.join("\n");
}
