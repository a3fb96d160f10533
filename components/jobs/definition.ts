// The batch transform's state machine (Amazon States Language, JSONPath), as a pure function of the
// values it names: checked structurally by the tests and shown by the offline plan.
import { BATCH_FORMATS } from "../defaults";

export interface BatchDefinitionArgs {
    partition: string;
    inputBucket: string;
    format: keyof typeof BATCH_FORMATS;
    outputBucket: string;
    outputPrefix: string;
    aliasArn: string;
    rowsPerBatch: number;
    maxBytesPerBatch: number;
    maxConcurrency: number;
    toleratedFailurePercentage: number;
    passthroughColumns: string[];
    /** A function with many models: the run's input names the model (`{"key": ..., "model": ...}`). */
    namesModel?: boolean;
}

/** A literal inside an intrinsic function's single quotes: `'`, `{`, `}` and `\` are escaped. */
function intrinsicLiteral(text: string): string {
    return text.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

/** Errors of the Lambda service itself (throttling, a passing fault): worth several patient retries. */
export const LAMBDA_SERVICE_ERRORS = [
    "Lambda.TooManyRequestsException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.ClientExecutionTimeoutException",
];

/** The Distributed Map over one object (`{"key"}`) or every object under a prefix (`{"prefix"}`). */
function scoreState(a: BatchDefinitionArgs, source: "object" | "prefix"): object {
    const readerConfig: { [key: string]: string } = { InputType: BATCH_FORMATS[a.format] };
    if (a.format === "csv") {
        readerConfig.CSVHeaderLocation = "FIRST_ROW";
    }
    const itemReader =
        source === "object"
            ? {
                  Resource: `arn:${a.partition}:states:::s3:getObject`,
                  ReaderConfig: readerConfig,
                  Parameters: { Bucket: a.inputBucket, "Key.$": "$.key" },
              }
            : {
                  // Every object under the prefix, read and flattened into one list of rows.
                  Resource: `arn:${a.partition}:states:::s3:listObjectsV2`,
                  ReaderConfig: { ...readerConfig, Transformation: "LOAD_AND_FLATTEN" },
                  Parameters: { Bucket: a.inputBucket, "Prefix.$": "$.prefix" },
              };
    const outputUri = `s3://${intrinsicLiteral(a.outputBucket)}/${intrinsicLiteral(a.outputPrefix)}{}/`;
    return {
        Type: "Map",
        Comment: "Scores the rows in batches; each batch writes its lines to <outputPrefix><execution name>/",
        ItemReader: itemReader,
        // Each row carries its index, so every output line says which input row it answers.
        ItemSelector: { "index.$": "$$.Map.Item.Index", "row.$": "$$.Map.Item.Value" },
        ItemBatcher: {
            MaxItemsPerBatch: a.rowsPerBatch,
            MaxInputBytesPerBatch: a.maxBytesPerBatch,
            BatchInput: {
                "outputUri.$": `States.Format('${outputUri}', $$.Execution.Name)`,
                // The run the batch belongs to: the function scores it only while that run of this state
                // machine is going on.
                "executionArn.$": "$$.Execution.Id",
                passthroughColumns: a.passthroughColumns,
                ...(a.namesModel ? { "model.$": "$.model" } : {}),
            },
        },
        MaxConcurrency: a.maxConcurrency,
        ToleratedFailurePercentage: a.toleratedFailurePercentage,
        ItemProcessor: {
            // Express children: a batch takes seconds, and they cost a fraction of standard ones.
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
            StartAt: "Score",
            States: {
                Score: {
                    Type: "Task",
                    Resource: `arn:${a.partition}:states:::lambda:invoke`,
                    Parameters: { FunctionName: a.aliasArn, "Payload.$": "$" },
                    OutputPath: "$.Payload",
                    Retry: [
                        {
                            ErrorEquals: LAMBDA_SERVICE_ERRORS,
                            IntervalSeconds: 2,
                            MaxAttempts: 6,
                            BackoffRate: 2,
                            JitterStrategy: "FULL",
                        },
                        // The function failing a batch (its output could not be written): twice more, then
                        // the batch counts against the tolerated failures and is listed in the run's report.
                        { ErrorEquals: ["States.ALL"], IntervalSeconds: 5, MaxAttempts: 2, BackoffRate: 2 },
                    ],
                    End: true,
                },
            },
        },
        // Step Functions' own report of the run: each batch's summary, and the input of any batch that failed.
        ResultWriter: {
            Resource: `arn:${a.partition}:states:::s3:putObject`,
            Parameters: { Bucket: a.outputBucket, Prefix: `${a.outputPrefix}runs` },
        },
        End: true,
    };
}

/** The state machine: one object or a prefix, scored by the live alias. */
export function batchDefinition(a: BatchDefinitionArgs): string {
    return JSON.stringify({
        Comment:
            'Batch transform: start with {"key": "<object key>"} or {"prefix": "<key prefix>/"} in the input bucket',
        StartAt: "Source",
        States: {
            Source: {
                Type: "Choice",
                Choices: [{ Variable: "$.prefix", IsPresent: true, Next: "ScorePrefix" }],
                Default: "ScoreObject",
            },
            ScoreObject: scoreState(a, "object"),
            ScorePrefix: scoreState(a, "prefix"),
        },
    });
}
