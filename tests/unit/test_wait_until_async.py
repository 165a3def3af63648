"""wait_until_async, as wait_until: the condition's first true answer, polled while the loop
runs what makes it true; Timeout, worded as wait_until words it, once the time is up."""
from __future__ import annotations

import asyncio

import pytest

from tests.support.waiting import Timeout, wait_until_async


@pytest.mark.parametrize(("true_after", "answer"), [
    (0, ["ready"]),  # already true: no sleep
    (3, ["ready"]),  # true once the loop has run three callbacks
    (3, 42),
])
def test_the_first_true_answer_while_the_loop_runs(true_after, answer):
    async def main():
        answers = [None] * true_after + [answer]
        loop = asyncio.get_running_loop()
        for _ in range(true_after):
            loop.call_soon(answers.pop, 0)
        return await wait_until_async(lambda: answers[0], 1, interval=0)

    assert asyncio.run(main()) == answer


@pytest.mark.parametrize(("condition", "message"), [
    (lambda: None, "condition: not true after 0.05 s"),
    (lambda: [], "the upload: not true after 0.05 s"),
])
def test_timeout_once_the_time_is_up(condition, message):
    what = {} if message.startswith("condition") else {"message": "the upload"}
    with pytest.raises(Timeout) as failure:
        asyncio.run(wait_until_async(condition, 0.05, interval=0.01, **what))
    assert str(failure.value) == message
