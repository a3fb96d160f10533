"""The Python program (program.py) under Pulumi's Python mocks: the component is registered with its
inputs in the schema's names, and its outputs come back typed."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi

COMPONENT_TYPE = "lambda-inference:index:InferenceFunction"
# What the component's provider would answer (shared with the Go test): every always-present output,
# and the function URL the program asked for.
OUTPUTS: dict[str, str] = json.loads((Path(__file__).parent.parent / "outputs.json").read_text())


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append(args)
        return f"{args.name}-id", {**args.inputs, **OUTPUTS}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


MOCKS = Mocks()
pulumi.runtime.set_mocks(MOCKS, preview=False)

import program  # noqa: E402  (after set_mocks: creating resources needs the mocked engine)

CLASSIFIER = program.deploy()
BUNDLED = program.deploy_with_keywords()


def pulumi_test(fn: Callable[[], "pulumi.Output[None]"]) -> Callable[[], None]:
    """pulumi.runtime.test, typed: runs the test once the outputs it returns have resolved."""
    wrapped: Callable[[], None] = pulumi.runtime.test(fn)  # type: ignore[no-untyped-call]
    return wrapped


def registered(name: str) -> pulumi.runtime.MockResourceArgs:
    [args] = [a for a in MOCKS.registered if a.name == name]
    return args


@pulumi_test
def test_the_component_is_registered_with_its_inputs_in_the_schemas_names() -> pulumi.Output[None]:
    return CLASSIFIER.urn.apply(lambda _: check_classifier())


def check_classifier() -> None:
    args = registered("classifier")
    assert (args.typ, args.custom) == (COMPONENT_TYPE, False)
    assert args.inputs == {
        "modelPath": "../../app/model/model.onnx",
        "modelSha256": program.MODEL_SHA256,
        "architecture": "arm64",
        "memorySize": 2048,
        "timeout": 15,
        "enableFunctionUrl": True,
        "functionUrlAuthType": "AWS_IAM",
        "deploymentStrategy": "Canary10Percent5Minutes",
        "smokeTestEvent": '{"features": [5.1, 3.5, 1.4, 0.2]}',
        "alarmActions": ["arn:aws:sns:us-east-1:123456789012:oncall"],
        "environment": {"MAX_BATCH_ROWS": "500"},
        "tags": {"team": "ml-platform"},
    }


@pulumi_test
def test_the_keyword_form_registers_the_same_way() -> pulumi.Output[None]:
    return BUNDLED.urn.apply(lambda _: check_bundled())


def check_bundled() -> None:
    args = registered("bundled")
    assert args.typ == COMPONENT_TYPE
    assert args.inputs == {
        "modelPath": "../../app/model/model.onnx",
        "modelDelivery": "image",
        "provisionedConcurrency": 2,
    }


@pulumi_test
def test_outputs_come_back_in_snake_case() -> pulumi.Output[None]:
    def check(values: list[Any]) -> None:
        assert values == [
            "classifier-fn",
            "live",
            OUTPUTS["aliasArn"],
            OUTPUTS["imageUri"],
            OUTPUTS["functionUrl"],
            None,  # dashboard_url: the feature is off
            None,  # deployment_group_name: as the provider leaves it unset here
        ]

    return pulumi.Output.all(
        CLASSIFIER.function_name,
        CLASSIFIER.alias_name,
        CLASSIFIER.alias_arn,
        CLASSIFIER.image_uri,
        CLASSIFIER.function_url,
        CLASSIFIER.dashboard_url,
        CLASSIFIER.deployment_group_name,
    ).apply(check)


@pulumi_test
def test_only_the_components_are_registered_their_children_are_the_providers() -> pulumi.Output[None]:
    def check(_: Any) -> None:
        registrations = sorted((a.name, a.typ) for a in MOCKS.registered)
        assert registrations == [("bundled", COMPONENT_TYPE), ("classifier", COMPONENT_TYPE)]

    return pulumi.Output.all(CLASSIFIER.urn, BUNDLED.urn).apply(check)
