import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction, InferenceFunctionArgs } from "../components";
import { mocks, settle } from "./mocks";

export const FIXTURE_MODEL = path.join(__dirname, "fixtures", "model.joblib");
/** sha256sum tests/fixtures/model.joblib, computed once by hand. */
export const FIXTURE_SHA256 = "39305563f127eee2449e41b2d15b578e65c1d370bb1fbb2ddf6f237ba9b2234f";

/** Runs the component under the recording mocks and waits until every child has registered. */
export async function deploy(
    args: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL },
    name = "demo",
    opts?: pulumi.ComponentResourceOptions,
): Promise<InferenceFunction> {
    mocks.reset();
    const component = new InferenceFunction(name, args, opts);
    await settle();
    return component;
}
