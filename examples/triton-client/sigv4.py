"""Calling an IAM-authorised function URL (the component's default, functionUrlAuthType AWS_IAM) from
Python: every request is signed with AWS Signature Version 4 for the service `lambda`, with the
credentials boto3 finds (environment, profile, role).

- `signed_headers(...)`: the headers to send with one request, for any HTTP library.
- `SigV4InferenceServerClient`: tritonclient's HTTP client, signing each request it sends.

Why not a tritonclient plugin (`register_plugin`): a plugin is handed the request's headers only, and
SigV4 signs the method, the path, the query and a hash of the body too, so a plugin cannot compute
it. The client below overrides the two methods that send requests (`_get` and `_post`, which see the
path and the body), signs there, and leaves everything else to tritonclient.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from tritonclient.http import InferenceServerClient

SERVICE = "lambda"


def region_of(url: str) -> str | None:
    """The region in a function URL's host (https://<id>.lambda-url.<region>.on.aws)."""
    parts = (urlsplit(url).hostname or "").split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "lambda-url" else None


def signed_headers(
    method: str,
    url: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    *,
    session: boto3.Session | None = None,
    region: str | None = None,
) -> dict[str, str]:
    """`headers` plus the SigV4 ones (Authorization, X-Amz-Date, and X-Amz-Security-Token with temporary
    credentials) for this exact method, URL and body (whose hash the signature covers)."""
    session = session or boto3.Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials found to sign the request (environment, profile or role)")
    region = region or region_of(url) or session.region_name
    if region is None:
        raise RuntimeError(f"cannot tell the region of {url}: pass region=")
    # Every header value as text: tritonclient passes Inference-Header-Content-Length as an int.
    request = AWSRequest(method=method, url=url, data=body, headers={k: str(v) for k, v in (headers or {}).items()})
    SigV4Auth(credentials.get_frozen_credentials(), SERVICE, region).add_auth(request)
    return dict(request.headers.items())


class SigV4InferenceServerClient(InferenceServerClient):  # type: ignore[misc]
    """tritonclient.http.InferenceServerClient for a function URL with AWS_IAM auth.

    client = SigV4InferenceServerClient("abcdefghij.lambda-url.us-east-1.on.aws", ssl=True)
    client.is_model_ready("my-model")
    """

    def __init__(self, url: str, *, session: boto3.Session | None = None, region: str | None = None, **kwargs: Any):
        super().__init__(url, **kwargs)
        scheme = "https" if kwargs.get("ssl") else "http"
        self._origin = f"{scheme}://{url.split('/', 1)[0]}"
        self._session = session or boto3.Session()
        self._region = region

    def _signed(self, method: str, request_uri: str, body: bytes, headers: Any, query_params: Any) -> dict[str, str]:
        from tritonclient.http._utils import _get_query_string  # noqa: PLC0415 - what _get and _post use

        path = (self._base_uri or "") + "/" + request_uri
        query = f"?{_get_query_string(query_params)}" if query_params is not None else ""
        url = f"{self._origin}{path}{query}"
        return signed_headers(method, url, body, headers, session=self._session, region=self._region)

    def _get(self, request_uri: str, headers: Any, query_params: Any) -> Any:
        return super()._get(request_uri, self._signed("GET", request_uri, b"", headers, query_params), query_params)

    def _post(self, request_uri: str, request_body: Any, headers: Any, query_params: Any) -> Any:
        body = request_body.encode() if isinstance(request_body, str) else bytes(request_body)
        signed = self._signed("POST", request_uri, body, headers, query_params)
        return super()._post(request_uri, body, signed, query_params)
