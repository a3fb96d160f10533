"""Types of what crosses the Lambda boundary: JSON events and answers, and the context object."""

from collections.abc import Mapping
from typing import NotRequired, Protocol, TypeAlias, TypedDict

JSON: TypeAlias = bool | int | float | str | list["JSON"] | dict[str, "JSON"] | None
"""Any JSON value: what a direct invoke carries, and what a direct invoke answers."""

Env: TypeAlias = Mapping[str, str]
"""The process environment, or a stand-in for it in tests."""


class LambdaContext(Protocol):
    """The part of the runtime's context object the app reads."""

    @property
    def aws_request_id(self) -> str: ...


class ProxyResponse(TypedDict):
    """The answer to a function URL, API Gateway or ALB event (an ALB also takes the status line, and
    its headers as lists when the target group sends lists)."""

    statusCode: int
    headers: NotRequired[dict[str, str]]
    multiValueHeaders: NotRequired[dict[str, list[str]]]
    statusDescription: NotRequired[str]
    body: str
    isBase64Encoded: bool
