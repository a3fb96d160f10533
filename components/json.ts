/** The JSON object `text` holds, or undefined when it holds something else (an array, a number) or nothing. */
export function parseObject<T = { [key: string]: unknown }>(text: string): T | undefined {
    try {
        const value: unknown = JSON.parse(text);
        return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as T) : undefined;
    } catch {
        return undefined;
    }
}
