"""The direct invoke (`aws lambda invoke`, an SDK's Invoke, a Step Functions task): the event is the
document itself, answered by the protocol that claims it (an inference request with `inputs`, else the
native contract), and the answer is the document itself. A direct invoke has no status line, so an
error's document carries its status. Every event no other source claims is a direct invoke."""

from .. import answers
from ..invocation import Invocation
from ..reply import Reply
from ..types import JSON
from .base import Services


def matches(event: JSON) -> bool:
    return True


def document_of(reply: Reply) -> dict[str, JSON]:
    """The answer's document; an error's carries its status."""
    return reply.body if reply.status == 200 else {"status": reply.status, **reply.body}


def handle(event: JSON, invocation: Invocation, services: Services) -> JSON:
    protocol, reply = services.protocols.answer_document(event, invocation.request_id)
    refused = answers.check_document(reply)
    if refused is not None:
        reply = protocol.refusal(refused)
    services.observer.observe(reply, invocation, http=False)
    answer: JSON = document_of(reply)
    return answer
