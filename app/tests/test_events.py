"""The adapter and the responder: every HTTP event kind becomes one request, and gets its answer in
its own shape."""

import base64
import json

import pytest

from inference.protocols.request import Request
from inference.reply import Reply
from inference.sources.direct import document_of
from inference.sources.http import Sender, adapt, json_response, matches

SETOSA = [5.1, 3.5, 1.4, 0.2]


def alb(document, multi=False, b64=False):
    body = json.dumps(document)
    event = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:tg/x/1"}},
        "httpMethod": "POST",
        "path": "/",
        "queryStringParameters": {},
        "body": base64.b64encode(body.encode()).decode() if b64 else body,
        "isBase64Encoded": b64,
    }
    if multi:
        event["multiValueHeaders"] = {"Content-Type": ["text/plain", "application/json"]}
    else:
        event["headers"] = {"Content-Type": "application/json"}
    return event


class TestAdapter:
    def test_function_url_payload_2(self):
        event = {
            "version": "2.0",
            "rawPath": "/v2/x",
            "headers": {"Content-Type": "application/json"},
            "requestContext": {"http": {"method": "post", "path": "/ignored"}},
            "body": "{}",
            "isBase64Encoded": False,
        }
        assert adapt(event) == (
            Request(method="POST", path="/v2/x", headers={"content-type": "application/json"}, body="{}", base64=False),
            Sender("function-url", multi_value=False),
        )

    def test_rest_api_payload_1(self):
        request, sender = adapt({"httpMethod": "GET", "path": "/p", "requestContext": {}, "body": None})
        assert (sender.kind, request.method, request.path, request.body) == ("rest-api", "GET", "/p", None)

    def test_alb_with_and_without_multi_value_headers(self):
        single, single_sender = adapt(alb({"features": SETOSA}))
        multi, multi_sender = adapt(alb({"features": SETOSA}, multi=True))
        assert (single_sender, single.headers) == (Sender("alb", False), {"content-type": "application/json"})
        # The last value of a repeated header, as most servers read it.
        assert (multi_sender, multi.headers) == (Sender("alb", True), {"content-type": "application/json"})

    @pytest.mark.parametrize("event", [{"features": SETOSA}, [1, 2], "text", None, {"requestContext": {}}])
    def test_direct_invokes_are_not_http(self, event):
        assert matches(event) is False

    def test_a_base64_body_is_decoded(self):
        request, _ = adapt(alb({"features": SETOSA}, b64=True))
        assert json.loads(request.raw(1000)) == {"features": SETOSA}


class TestResponder:
    def test_function_url_and_rest_api_get_a_proxy_response(self):
        _, sender = adapt({"requestContext": {"http": {"method": "POST"}}, "body": "{}"})
        assert json_response(sender, 400, {"error": "x", "message": "y"}) == {
            "statusCode": 400,
            "headers": {"Content-Type": "application/json"},
            "body": '{"error": "x", "message": "y"}',
            "isBase64Encoded": False,
        }

    def test_an_alb_gets_its_status_line(self):
        _, sender = adapt(alb({}))
        response = json_response(sender, 200, {"predictions": [1]})
        assert response["statusDescription"] == "200 OK"
        assert response["headers"] == {"Content-Type": "application/json"}
        assert "multiValueHeaders" not in response

    def test_an_alb_that_sends_lists_gets_lists(self):
        _, sender = adapt(alb({}, multi=True))
        response = json_response(sender, 422, {"error": "e", "message": "m"})
        assert response["statusDescription"] == "422 Unprocessable Entity"
        assert response["multiValueHeaders"] == {"Content-Type": ["application/json"]}
        assert "headers" not in response

    def test_a_status_without_a_phrase_still_gets_a_line(self):
        _, sender = adapt(alb({}))
        assert json_response(sender, 599, {})["statusDescription"] == "599 "

    def test_a_direct_answer_carries_its_status_only_when_it_is_an_error(self):
        assert document_of(Reply(200, {"predictions": [1]})) == {"predictions": [1]}
        assert document_of(Reply(405, {"error": "e", "message": "m"})) == {"status": 405, "error": "e", "message": "m"}


def test_an_alb_event_is_answered_end_to_end(app, context):
    response = app(alb({"features": SETOSA}, multi=True), context)
    assert response["statusCode"] == 200 and response["statusDescription"] == "200 OK"
    assert json.loads(response["body"])["predictions"] == ["setosa"]
    assert response["multiValueHeaders"] == {"Content-Type": ["application/json"]}
