import { CONTRACT } from "../contract";
import { APP_LIMITS, LAMBDA_RESERVED_ENV, RESERVED_APP_ENV } from "../defaults";
import { isKnown, Problem } from "./problems";

/** A text model's settings, with the values the app accepts (contract.json). */
const TEXT_CHOICES: { [name: string]: string[] } = {
    [CONTRACT.environment.text.pooling]: CONTRACT.signature.pooling,
    [CONTRACT.environment.text.normalize]: ["true", "false"],
};

/** Names the component or Lambda own are refused; the app's limits must be what the app accepts. */
export function environmentProblems(environment: { [key: string]: unknown } | undefined): Problem[] {
    return Object.entries(environment ?? {}).flatMap(([key, value]): Problem[] => {
        const propertyPath = `environment.${key}`;
        if (RESERVED_APP_ENV.includes(key) || key.startsWith("AWS_ENDPOINT_URL")) {
            return [
                {
                    propertyPath,
                    reason: "is set by the component (the model's location and identity, where jobs and data capture read and write, and how S3 is reached) and may not be overridden",
                },
            ];
        }
        if ((LAMBDA_RESERVED_ENV as readonly string[]).includes(key)) {
            return [{ propertyPath, reason: "is reserved by Lambda, which sets it itself" }];
        }
        if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(key)) {
            return [
                { propertyPath, reason: "must be a name of letters, digits and underscores that starts with a letter" },
            ];
        }
        const choices = TEXT_CHOICES[key];
        if (choices && isKnown(value) && !choices.includes(String(value))) {
            return [
                {
                    propertyPath,
                    reason: `must be one of ${choices.join(", ")} (the app refuses anything else at init); got ${JSON.stringify(value)}`,
                },
            ];
        }
        const limit = APP_LIMITS.find((l) => l.name === key);
        const text = String(value);
        const fits = /^[0-9]+$/.test(text) && Number(text) >= (limit?.min ?? 0) && Number(text) <= (limit?.max ?? 0);
        if (limit && isKnown(value) && !fits) {
            return [
                {
                    propertyPath,
                    reason: `must be an integer from ${limit.min} to ${limit.max} (the app refuses anything else at init); got ${JSON.stringify(value)}`,
                },
            ];
        }
        return [];
    });
}
