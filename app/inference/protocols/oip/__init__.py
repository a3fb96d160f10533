"""The Open Inference Protocol (KServe V2 REST, as Triton, KServe and MLServer speak it) under /v2:
server and model metadata, health, and inference with tensors in JSON or in the binary tensor data
extension. Errors are `{"error": message}` (with the contract's `code` beside it) and the protocol's
statuses: 400 for a bad request, 404 for an unknown route, model or version, 405 for a wrong method.

A direct invoke whose document has `inputs` is an inference request too (JSON data only).
"""

import time
from typing import Any

import numpy.typing as npt

from ...contract import PROTOCOL_INPUTS, SERVER
from ...errors import BadRequest, MethodNotAllowed, NotFound, RequestError, Unprocessable
from ...limits import Limits
from ...models import Models, ServedModel
from ...numbers import all_finite
from ...reply import Reply
from ...types import JSON
from ..request import Request, parse_json
from . import encode as encoding
from .encode import HEADER_LENGTH
from .tensors import Bounds, Tensor, binary_data, feed_for, json_data, plain_feed, read_inputs

PREFIX = "v2"
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024
"""Lambda's largest synchronous payload: a direct invoke's request can be no larger."""


def is_protocol_path(path: str) -> bool:
    """True for /v2 and anything under it: the protocol's routes."""
    return path.strip("/").split("/", 1)[0] == PREFIX


def error_reply(e: RequestError, route: str) -> Reply:
    """The protocol's error shape: the message as `error`, the contract's code beside it."""
    headers = {"Allow": e.allow} if isinstance(e, _WrongMethod) else None
    return Reply(e.status, {"error": e.message, "code": e.code}, headers=headers, route=route, error=e.code)


class _WrongMethod(MethodNotAllowed):
    def __init__(self, allow: str, method: str, path: str):
        super().__init__("method_not_allowed", f"{path} takes {allow}; got {method or 'no method'}")
        self.allow = allow


def _request_fields(document: JSON) -> tuple[str | None, bool]:
    """(the request's id, whether its outputs default to binary) of a well-formed inference request."""
    if not isinstance(document, dict):
        raise BadRequest("invalid_request", "an inference request is a JSON object with inputs")
    request_id = document.get("id")
    if request_id is not None and not isinstance(request_id, str):
        raise BadRequest("invalid_request", "id must be a string")
    parameters = document.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise BadRequest("invalid_request", "parameters must be an object")
    binary_default = parameters.get("binary_data_output", False)
    if not isinstance(binary_default, bool):
        raise BadRequest("invalid_binary", "parameters.binary_data_output must be true or false")
    return request_id, binary_default


def _asks_binary(document: JSON) -> bool:
    """True when a request asks for any output in binary."""
    if not isinstance(document, dict):
        return False
    asked = [document.get("parameters"), *(o.get("parameters") for o in _objects(document.get("outputs")))]
    return any(
        isinstance(p, dict) and (p.get("binary_data_output") is True or p.get("binary_data") is True) for p in asked
    )


def _objects(value: JSON) -> list[dict[str, JSON]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _output_wanted(item: JSON, where: str) -> tuple[str, bool | None]:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise BadRequest("invalid_tensor", f"{where} must be an object with a name")
    parameters = item.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise BadRequest("invalid_tensor", f"{where}.parameters must be an object")
    binary = parameters.get("binary_data")
    if binary is not None and not isinstance(binary, bool):
        raise BadRequest("invalid_binary", f"{where}.parameters.binary_data must be true or false")
    return str(item["name"]), binary


class OipProtocol:
    """The served model under its protocol name and version."""

    route = "infer"

    def __init__(self, models: Models, limits: Limits):
        served: ServedModel = models.default
        model = served.predictor
        self.models = models
        self.model = model
        self.name = served.name
        self.version = served.version
        self.sha256 = str(served.short_sha)
        self.limits = limits
        # Every element takes at least a byte of the body (a direct invoke's, Lambda's 6 MB at most).
        self.bounds = Bounds(max(limits.max_body_bytes, MAX_PAYLOAD_BYTES), limits.max_batch_rows)
        self.inputs = {spec.name: spec for spec in model.inputs}
        self.outputs = {spec.name: spec for spec in model.outputs}
        self._infer_path = f"/{PREFIX}/models/{self.name}/infer"
        # What a request that names no outputs gets: every output, in JSON or in binary.
        self._every_output = {b: [(name, b) for name in self.outputs] for b in (False, True)}
        self._output_names = list(self.outputs)
        self._only_input = model.inputs[0] if len(model.inputs) == 1 else None

    def owns_path(self, path: str) -> bool:
        return is_protocol_path(path)

    def owns_document(self, document: JSON) -> bool:
        return isinstance(document, dict) and PROTOCOL_INPUTS in document

    def encode(self, reply: Reply) -> tuple[str | bytes, str, dict[str, str] | None]:
        return encoding.encode(reply)

    def refusal(self, e: RequestError) -> Reply:
        return error_reply(e, "infer")

    def failure(self, request_id: str) -> Reply:
        body: dict[str, JSON] = {
            "error": "the model could not answer this request",
            "code": "internal_error",
            "requestId": request_id,
        }
        return Reply(500, body, route="infer", error="internal_error")

    # Routing

    def answer_http(self, request: Request) -> Reply:
        """The answer to an HTTP request under /v2, by path and method."""
        route = "unknown"
        path = request.path
        try:
            # The route nearly every request takes is matched as it comes, before the general router.
            if path == self._infer_path:
                route, method = "infer", "POST"
            else:
                path = "/" + path.strip("/")
                route, method = self._route(path[1:].split("/"))
            if request.method != method:
                raise _WrongMethod(method, request.method, path)
            if route == "infer":
                return self._infer_http(request)
            return Reply(200, self._answer(route), route=route)
        except RequestError as e:
            return error_reply(e, route)

    def _route(self, parts: list[str]) -> tuple[str, str]:
        """(the route, its method) for the path's segments, or a 404 naming what is unknown."""
        rest = parts[1:]
        if not rest:
            return "server_metadata", "GET"
        if rest in (["health", "live"], ["health", "ready"]):
            return f"server_{rest[1]}", "GET"
        if len(rest) >= 2 and rest[0] == "models":
            name, tail = rest[1], rest[2:]
            if name != self.name:
                self.models.get(name)  # a 404 that lists what is served
            if len(tail) >= 2 and tail[0] == "versions":
                if tail[1] != self.version:
                    raise NotFound(
                        "unknown_version",
                        f"model {self.name!r} has no version {tail[1]!r}; it serves version {self.version!r}",
                    )
                tail = tail[2:]
            if not tail:
                return "model_metadata", "GET"
            if tail == ["ready"]:
                return "model_ready", "GET"
            if tail == ["infer"]:
                return "infer", "POST"
        raise NotFound(
            "unknown_route",
            f"/{'/'.join(parts)} is not a route of the inference protocol; see GET /v2 and /v2/models/{self.name}",
        )

    def _answer(self, route: str) -> dict[str, JSON]:
        if route == "server_metadata":
            return {"name": SERVER["name"], "version": SERVER["version"], "extensions": list(SERVER["extensions"])}
        if route == "server_live":
            return {"live": True}
        if route == "server_ready":
            # Init loaded the model before the first request: a function that answers is ready.
            return {"ready": True}
        if route == "model_ready":
            return {"name": self.name, "ready": True}
        return self.metadata()

    def metadata(self) -> dict[str, JSON]:
        return {
            "name": self.name,
            "versions": [self.version],
            "platform": self.model.platform,
            "inputs": [spec.metadata() for spec in self.model.inputs],
            "outputs": [spec.metadata() for spec in self.model.outputs],
        }

    # Inference

    def _infer_http(self, request: Request) -> Reply:
        header = request.headers.get(HEADER_LENGTH)
        if header is None:
            return self.infer(request.json(self.limits.max_body_bytes), b"")
        raw = request.raw(self.limits.max_body_bytes)
        # ASCII digits only: str.isdigit() also takes superscripts such as "¹", which int() refuses.
        if not (header.isascii() and header.isdigit()) or int(header) > len(raw):
            raise BadRequest(
                "invalid_binary",
                f"Inference-Header-Content-Length must be a byte count within the body's {len(raw)} bytes; "
                f"got {header[:20]!r}",
            )
        length = int(header)
        return self.infer(parse_json(raw[:length]), raw[length:])

    def answer_document(self, document: JSON) -> Reply:
        """A direct invoke's (or a queued message's) inference request: JSON data only, in and out (its answer
        is a JSON document, which has no place for binary data)."""
        try:
            if _asks_binary(document):
                raise BadRequest(
                    "invalid_binary",
                    "binary outputs travel only in an HTTP answer; a direct invoke or a queued message is answered in "
                    "JSON: leave out binary_data_output and each output's binary_data",
                )
            return self.infer(document, b"")
        except RequestError as e:
            return error_reply(e, "infer")

    def infer(self, document: JSON, binary: bytes) -> Reply:
        """The answer to an inference request, its outputs in JSON or binary as asked."""
        request_id, binary_default = _request_fields(document)
        assert isinstance(document, dict)
        only = None if binary else self._only_input
        plain = None if only is None else plain_feed(document, only, self.bounds)
        if only is not None and plain is not None:  # the commonest request, read in one pass
            feeds, shape = {only.name: plain}, plain.shape
        else:
            tensors = read_inputs(document, binary, self.bounds, self.inputs)
            feeds, shape = self._feeds(tensors), tensors[0].shape
        wanted = self._outputs_wanted(document.get("outputs"), binary_default)
        started = time.perf_counter()
        arrays = self.model.run(
            feeds, self._output_names if wanted is self._every_output[False] else [n for n, _ in wanted]
        )
        model_ms = (time.perf_counter() - started) * 1000
        body, chunks = self._answer_of(request_id, wanted, arrays)
        return Reply(
            200,
            body,
            b"".join(chunks),
            rows=shape[0] if shape else 1,
            model_ms=model_ms,
            request=document,
            request_binary=binary,
            values=sum([array.size for array in arrays]),
        )

    def _answer_of(
        self, request_id: str | None, wanted: list[tuple[str, bool]], arrays: list[npt.NDArray[Any]]
    ) -> tuple[dict[str, JSON], list[bytes]]:
        """The response document, and the binary data of the outputs asked for in binary, in order."""
        outputs: list[JSON] = []
        chunks: list[bytes] = []
        for (name, as_binary), array in zip(wanted, arrays, strict=True):
            if not all_finite(array):
                raise Unprocessable(
                    "non_finite_output",
                    f"the model's output {name!r} is not a finite number: the input is outside what it can answer",
                )
            outputs.append(self._output(name, array, as_binary, chunks))
        body: dict[str, JSON] = {"model_name": self.name, "model_version": self.version}
        if request_id is not None:
            body["id"] = request_id
        body["parameters"] = {"model_sha256": self.sha256}
        body["outputs"] = outputs
        return body, chunks

    def _feeds(self, tensors: list[Tensor]) -> dict[str, npt.NDArray[Any]]:
        inputs = self.inputs
        if len(tensors) == len(inputs):
            for tensor in tensors:
                if tensor.name not in inputs:
                    break
            else:  # every input the model takes, and no other (none is given twice): names first, then data
                return {t.name: feed_for(t, inputs[t.name]) for t in tensors}
        given = {t.name for t in tensors}
        unknown = [t.name for t in tensors if t.name not in self.inputs]
        if unknown:
            raise BadRequest(
                "unknown_input", f"the model has no input {unknown[0]!r}; it takes {self._listed(self.inputs)}"
            )
        missing = [name for name in self.inputs if name not in given]
        if missing:
            spec = self.inputs[missing[0]]
            raise BadRequest("missing_input", f"input {spec.name!r} ({spec.describe()}) is missing")
        return {t.name: feed_for(t, self.inputs[t.name]) for t in tensors}

    def _outputs_wanted(self, requested: JSON, binary_default: bool) -> list[tuple[str, bool]]:
        if requested is None or requested == []:
            return self._every_output[binary_default]
        if not isinstance(requested, list):
            raise BadRequest("invalid_tensor", "outputs must be a list of {name} objects")
        wanted: list[tuple[str, bool]] = []
        for i, item in enumerate(requested):
            name, binary = _output_wanted(item, f"outputs[{i}]")
            if name not in self.outputs:
                raise BadRequest(
                    "unknown_output", f"the model has no output {name!r}; it gives {self._listed(self.outputs)}"
                )
            if any(name == seen for seen, _ in wanted):
                raise BadRequest("invalid_tensor", f"output {name!r} is requested twice")
            wanted.append((name, binary_default if binary is None else binary))
        return wanted

    def _output(self, name: str, array: npt.NDArray[Any], as_binary: bool, chunks: list[bytes]) -> JSON:
        datatype = self.outputs[name].datatype
        output: dict[str, JSON] = {"name": name, "datatype": datatype, "shape": list(array.shape)}
        if as_binary:
            data = binary_data(array, datatype)
            output["parameters"] = {"binary_data_size": len(data)}
            chunks.append(data)
        else:
            output["data"] = json_data(array)
        return output

    @staticmethod
    def _listed(specs: dict[str, Any]) -> str:
        return ", ".join(f"{name!r} ({spec.describe()})" for name, spec in specs.items())


def build(models: Models, limits: Limits) -> OipProtocol:
    return OipProtocol(models, limits)
