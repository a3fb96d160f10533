// CloudWatch, as far as the alarm drills need it: turns Embedded Metric Format log lines into
// datapoints the way CloudWatch Logs does, and judges a MetricAlarm's recorded inputs on them (one
// metric with a statistic, or metric math with IF, comparisons and arithmetic), minute by minute.

export interface Datapoint {
    namespace: string;
    metric: string;
    dimensions: { [name: string]: string };
    value: number;
    /** The minute the value falls in (epoch minutes). */
    minute: number;
}

/** Every metric value in the EMF lines, once per dimension set, as CloudWatch Logs extracts them. */
export function datapointsOf(lines: string[]): Datapoint[] {
    const points: Datapoint[] = [];
    for (const line of lines) {
        let record: any;
        try {
            record = JSON.parse(line);
        } catch {
            continue;
        }
        const metadata = record?._aws;
        if (!metadata) {
            continue;
        }
        const minute = Math.floor(metadata.Timestamp / 60_000);
        for (const directive of metadata.CloudWatchMetrics) {
            for (const set of directive.Dimensions) {
                const dimensions = Object.fromEntries(set.map((name: string) => [name, record[name]]));
                for (const { Name } of directive.Metrics) {
                    points.push({
                        namespace: directive.Namespace,
                        metric: Name,
                        dimensions,
                        value: record[Name],
                        minute,
                    });
                }
            }
        }
    }
    return points;
}

function statistic(values: number[], stat: string): number | undefined {
    if (values.length === 0) {
        return undefined;
    }
    switch (stat) {
        case "Sum":
            return values.reduce((a, b) => a + b, 0);
        case "Average":
            return values.reduce((a, b) => a + b, 0) / values.length;
        case "SampleCount":
            return values.length;
        case "Minimum":
            return Math.min(...values);
        case "Maximum":
            return Math.max(...values);
    }
    const percentile = /^p(\d+(\.\d+)?)$/.exec(stat);
    if (percentile) {
        const sorted = [...values].sort((a, b) => a - b);
        return sorted[Math.min(sorted.length - 1, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1)];
    }
    throw new Error(`statistic ${stat} is not modelled`);
}

const sameDimensions = (a: { [k: string]: string }, b: { [k: string]: string } | undefined) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** One metric's statistic, minute by minute. */
function series(points: Datapoint[], metric: any, stat: string): Map<number, number> {
    const byMinute = new Map<number, number[]>();
    for (const p of points) {
        if (
            p.namespace === metric.namespace &&
            p.metric === metric.metricName &&
            sameDimensions(p.dimensions, metric.dimensions)
        ) {
            byMinute.set(p.minute, [...(byMinute.get(p.minute) ?? []), p.value]);
        }
    }
    return new Map([...byMinute].map(([minute, values]) => [minute, statistic(values, stat)!]));
}

/** Metric math over named values: numbers, names, + - * /, comparisons, and IF(condition, then, else). */
export function evaluate(expression: string, values: { [id: string]: number }): number {
    const tokens = expression.match(/\d+(\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|!=|[-+*/(),<>]/g) ?? [];
    let at = 0;
    const peek = () => tokens[at];
    const take = (expected?: string) => {
        const token = tokens[at++];
        if (expected !== undefined && token !== expected) {
            throw new Error(`expected ${expected} in ${expression}`);
        }
        return token;
    };
    const primary = (): number => {
        const token = take();
        if (token === "(") {
            const value = comparison();
            take(")");
            return value;
        }
        if (token === "IF") {
            take("(");
            const condition = comparison();
            take(",");
            const then = comparison();
            take(",");
            const otherwise = comparison();
            take(")");
            return condition !== 0 ? then : otherwise;
        }
        if (/^\d/.test(token)) {
            return Number(token);
        }
        if (!(token in values)) {
            throw new Error(`unknown ${token} in ${expression}`);
        }
        return values[token];
    };
    const product = (): number => {
        let value = primary();
        while (peek() === "*" || peek() === "/") {
            value = take() === "*" ? value * primary() : value / primary();
        }
        return value;
    };
    const sum = (): number => {
        let value = product();
        while (peek() === "+" || peek() === "-") {
            value = take() === "+" ? value + product() : value - product();
        }
        return value;
    };
    const comparison = (): number => {
        const left = sum();
        const op = peek();
        if (!op || !["<", ">", "<=", ">=", "==", "!="].includes(op)) {
            return left;
        }
        take();
        const right = sum();
        const holds = {
            "<": left < right,
            ">": left > right,
            "<=": left <= right,
            ">=": left >= right,
            "==": left === right,
            "!=": left !== right,
        }[op]!;
        return holds ? 1 : 0;
    };
    const value = comparison();
    if (at !== tokens.length) {
        throw new Error(`could not read all of ${expression}`);
    }
    return value;
}

const COMPARE: { [operator: string]: (value: number, threshold: number) => boolean } = {
    GreaterThanOrEqualToThreshold: (v, t) => v >= t,
    GreaterThanThreshold: (v, t) => v > t,
    LessThanThreshold: (v, t) => v < t,
    LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/** The alarm's value for each minute that has data. */
function valuesOf(alarm: any, points: Datapoint[]): Map<number, number> {
    if (!alarm.metricQueries) {
        return series(points, alarm, alarm.statistic ?? alarm.extendedStatistic);
    }
    const named = new Map<string, Map<number, number>>();
    for (const query of alarm.metricQueries.filter((q: any) => q.metric)) {
        named.set(query.id, series(points, query.metric, query.metric.stat));
    }
    const minutes = new Set([...named.values()].flatMap((m) => [...m.keys()]));
    const result = alarm.metricQueries.find((q: any) => q.returnData);
    return new Map(
        [...minutes].map((minute) => {
            const values = Object.fromEntries([...named].map(([id, m]) => [id, m.get(minute) ?? 0]));
            return [minute, result.metric ? values[result.id] : evaluate(result.expression, values)];
        }),
    );
}

/** True when the alarm's datapoints breach in `datapointsToAlarm` of any `evaluationPeriods` consecutive minutes. */
export function wouldAlarm(alarm: any, points: Datapoint[]): boolean {
    const values = valuesOf(alarm, points);
    const breaching = [...values]
        .filter(([, v]) => COMPARE[alarm.comparisonOperator](v, alarm.threshold))
        .map(([m]) => m);
    const window = alarm.evaluationPeriods ?? 1;
    const needed = alarm.datapointsToAlarm ?? window;
    return breaching.some((start) => breaching.filter((m) => m >= start && m < start + window).length >= needed);
}
