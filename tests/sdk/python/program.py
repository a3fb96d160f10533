"""A Pulumi Python program using the SDK generated from schema.json, as a user writes one after
`pulumi package add`: typed args in snake_case, typed outputs."""

import pulumi
import pulumi_lambda_inference as inference

MODEL_SHA256 = "ce409c5affd6391c731cfd108c7230e58cd6564fa30daa1d6bdba17094f779c1"


def deploy() -> inference.InferenceFunction:
    classifier = inference.InferenceFunction(
        "classifier",
        inference.InferenceFunctionArgs(
            model_path="../../app/model/model.onnx",
            model_sha256=MODEL_SHA256,
            architecture="arm64",
            memory_size=2048,
            timeout=15,
            enable_function_url=True,
            function_url_auth_type="AWS_IAM",
            deployment_strategy="Canary10Percent5Minutes",
            smoke_test_event='{"features": [5.1, 3.5, 1.4, 0.2]}',
            alarm_actions=["arn:aws:sns:us-east-1:123456789012:oncall"],
            environment={"MAX_BATCH_ROWS": "500"},
            tags={"team": "ml-platform"},
        ),
    )
    pulumi.export("functionName", classifier.function_name)
    pulumi.export("aliasArn", classifier.alias_arn)
    pulumi.export("functionUrl", classifier.function_url)
    return classifier


def deploy_with_keywords() -> inference.InferenceFunction:
    """The other constructor form: args as keywords, no Args object."""
    return inference.InferenceFunction(
        "bundled",
        model_path="../../app/model/model.onnx",
        model_delivery="image",
        provisioned_concurrency=2,
        opts=pulumi.ResourceOptions(protect=True),
    )
