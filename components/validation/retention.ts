import { LOG_RETENTION_DAYS } from "../defaults";
import { Check, integerProblem, oneOfProblem } from "./problems";

/** How many images the repository keeps and how long the logs are. */
export const checkRetention: Check = (a) => [
    ...integerProblem("keepImages", a.keepImages, 1, 1000),
    ...oneOfProblem("logRetentionDays", a.logRetentionDays, LOG_RETENTION_DAYS),
];
