"""A GraphClient whose HTTP answers are scripted: for the client's retry and pacing rules, which are
pure logic over a sequence of responses."""

from __future__ import annotations

import httpx

from intune_graph import GraphClient, RetryPolicy
from intune_graph.pacing import WritePacer

FAST = RetryPolicy(
    deadline_s=5.0, base_delay_s=0.01, max_delay_s=0.05, read_after_write_s=1.0, absent_after_s=0.2
)


class StaticToken:
    """Always the same token; counts how often the client asked for a fresh one."""

    def __init__(self) -> None:
        self.invalidated = 0

    def token(self) -> str:
        return "tok"

    def invalidate(self, rejected: str | None = None) -> None:
        self.invalidated += 1


def scripted_client(
    answers: list[httpx.Response | Exception],
    policy: RetryPolicy = FAST,
    pacer: WritePacer | None = None,
) -> tuple[GraphClient, list[httpx.Request]]:
    """A client answering with `answers` in order (the last one repeats), and the requests it sent.
    An exception in the list is raised by the transport, like a lost connection."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = GraphClient(
        "https://graph.test/beta", StaticToken(), httpx.Client(transport=httpx.MockTransport(handle)), policy
    )
    client.pacer = pacer
    return client, seen
