// What the engine is told about each registration besides its inputs: its parent and its dependencies.
import * as pulumi from "@pulumi/pulumi";

/** How one registered resource hangs in the graph, as the engine would see it. */
export interface Link {
    type: string;
    name: string;
    /** The parent's type and name, undefined for the root program's own resources. */
    parent?: string;
    /** The resources this one depends on (its inputs' sources and dependsOn), as `type::name`. */
    dependencies: string[];
}

/** `type::name` of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function keyOf(urn: string): string {
    const [, , qualifiedType, name] = urn.split("::");
    return `${qualifiedType.split("$").pop()}::${name}`;
}

/**
 * Hands `record` each registration's parent and dependencies. The mocks see only a resource's inputs,
 * so this listens where the SDK hands the registration to the (mock) monitor: the same request
 * `pulumi up` sends the engine. Call it after `pulumi.runtime.setMocks`.
 */
export function recordLinks(record: (link: Link) => void): void {
    const monitor: any = pulumi.runtime.getMonitor();
    if (typeof monitor?.registerResource !== "function") {
        throw new Error("@pulumi/pulumi's mock monitor has no registerResource; update mocking/links.ts");
    }
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: unknown) => {
        const parent = req.getParent() ? keyOf(req.getParent()) : undefined;
        record({
            type: req.getType(),
            name: req.getName(),
            parent: parent?.startsWith("pulumi:pulumi:Stack::") ? undefined : parent,
            dependencies: [...new Set<string>(req.getDependenciesList().map(keyOf))].sort(),
        });
        return register(req, callback);
    };
}
