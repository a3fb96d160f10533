"""Which Step Functions runs are going on: the batch transform's check that an item batch comes from a run
of the function's own state machine, not from anyone else allowed to invoke the function.

One API call, DescribeExecution, signed with SigV4 by awscrt (already in the image for S3) and sent
with the standard library: botocore would cost more to import than the whole check. The role may
describe its own state machine's runs and no others, so a run of another machine is refused by IAM.

AWS_ENDPOINT_URL_SFN (or AWS_ENDPOINT_URL) points it at another Step Functions API, such as moto_server.
"""

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..contract import S3_ENV
from ..types import Env

TIMEOUT_SECONDS = 5.0
TARGET = "AWSStepFunctions.DescribeExecution"
CONTENT_TYPE = "application/x-amz-json-1.0"


class RunCheckFailed(Exception):
    """The run could not be described: refused by IAM, unknown, or Step Functions unreachable."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class StepFunctionsRuns:
    region: str
    endpoint: str | None = None
    _provider: Any = None
    _running: set[str] = field(default_factory=set)

    @staticmethod
    def from_env(env: Env) -> "StepFunctionsRuns":
        region = env.get(S3_ENV.region) or env.get(S3_ENV.default_region) or "us-east-1"
        return StepFunctionsRuns(region, env.get(S3_ENV.endpoint_sfn) or env.get(S3_ENV.endpoint) or None)

    def close(self) -> None:
        """Drops the credentials provider: the next check makes it anew (after a SnapStart restore)."""
        self._provider = None

    def status(self, execution_arn: str) -> str:
        """The run's status (RUNNING, SUCCEEDED, ...), or RunCheckFailed."""
        host, secure = self._host()
        body = json.dumps({"executionArn": execution_arn}).encode()
        headers = self._signed(host, body)
        connection_type = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        connection = connection_type(host, timeout=TIMEOUT_SECONDS)
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read(65536)
        except OSError as e:
            raise RunCheckFailed("Unreachable", str(e)) from None
        finally:
            connection.close()
        try:
            document = json.loads(answer or b"{}")
        except ValueError:
            document = {}
        if response.status != 200:
            code = str(document.get("__type", response.status)).rsplit("#", 1)[-1]
            raise RunCheckFailed(code, str(document.get("message") or document.get("Message") or ""))
        return str(document.get("status", ""))

    def is_running(self, execution_arn: str) -> bool:
        """Whether the run is going on; a run once seen running is remembered, as its batches keep coming
        while it lasts (and a finished run's stray batch can only write a part the run does not list)."""
        if execution_arn in self._running:
            return True
        if self.status(execution_arn) != "RUNNING":
            return False
        self._running.add(execution_arn)
        return True

    def _host(self) -> tuple[str, bool]:
        if self.endpoint:
            parts = urlsplit(self.endpoint)
            return parts.netloc, parts.scheme != "http"
        suffix = ".amazonaws.com.cn" if self.region.startswith("cn-") else ".amazonaws.com"
        return f"states.{self.region}{suffix}", True

    def _signed(self, host: str, body: bytes) -> dict[str, str]:
        import io as std_io  # noqa: PLC0415

        from awscrt import auth, io  # noqa: PLC0415 - only a batch pays for the CRT
        from awscrt import http as crt_http  # noqa: PLC0415

        if self._provider is None:
            loop = io.EventLoopGroup(1)
            self._provider = auth.AwsCredentialsProvider.new_default_chain(
                io.ClientBootstrap(loop, io.DefaultHostResolver(loop))
            )
        headers = [("host", host), ("content-type", CONTENT_TYPE), ("x-amz-target", TARGET)]
        request = crt_http.HttpRequest(
            "POST",
            "/",
            crt_http.HttpHeaders([*headers, ("content-length", str(len(body)))]),
            std_io.BytesIO(body),
        )
        config = auth.AwsSigningConfig(
            algorithm=auth.AwsSigningAlgorithm.V4,
            signature_type=auth.AwsSignatureType.HTTP_REQUEST_HEADERS,
            credentials_provider=self._provider,
            region=self.region,
            service="states",
        )
        try:
            auth.aws_sign_request(request, config).result(timeout=TIMEOUT_SECONDS)
        except Exception as e:  # noqa: BLE001 - no credentials, or the signer failed: the run is not checked
            raise RunCheckFailed("NoCredentials", str(e)) from None
        return {name: value for name, value in request.headers}
