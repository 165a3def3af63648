"""util.tools.alarm: waits finer than epoll's milliseconds, in order, cancellable, and a thread
that ends when nothing waits."""
from __future__ import annotations

import asyncio

from util.tools.alarm import Alarm
from util.tools.processes import wait_until


def test_a_half_millisecond_wait_ends_within_a_fraction_of_a_millisecond():
    """asyncio.sleep(0.0005) takes over a millisecond (epoll rounds up): the alarm's smallest
    lateness of twenty waits is under 0.3 ms, and none is early."""
    async def lateness() -> list[float]:
        loop = asyncio.get_running_loop()
        alarm, late = Alarm(loop), []
        for _ in range(20):
            when = loop.time() + 0.0005
            await alarm.until(when)
            late.append(loop.time() - when)
        return late

    late = asyncio.run(lateness())
    assert min(late) >= 0, late
    assert min(late) < 0.0003, late


def test_waits_end_in_the_order_of_their_times_ties_in_the_order_they_came():
    async def order() -> list[str]:
        loop = asyncio.get_running_loop()
        alarm, woke = Alarm(loop), []
        now = loop.time()

        async def wait(name: str, delay: float) -> None:
            await alarm.until(now + delay)
            woke.append(name)

        await asyncio.gather(wait("late", 0.02), wait("first tie", 0.01),
                             wait("second tie", 0.01), wait("early", 0.005))
        return woke

    assert asyncio.run(order()) == ["early", "first tie", "second tie", "late"]


def test_a_cancelled_wait_leaves_the_alarm_working_and_a_past_time_returns_at_once():
    async def scenario() -> list[bool]:
        loop = asyncio.get_running_loop()
        alarm = Alarm(loop)
        waiting = asyncio.create_task(alarm.until(loop.time() + 0.05))
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        past = asyncio.ensure_future(alarm.until(loop.time() - 1))
        await asyncio.sleep(0)  # one step: a past time needs no wake-up
        when = loop.time() + 0.01
        await asyncio.wait_for(alarm.until(when), 5)
        return [waiting.cancelled(), past.done(), loop.time() >= when]

    assert asyncio.run(scenario()) == [True, True, True]


def test_the_thread_ends_when_nothing_has_waited_for_idle_seconds(monkeypatch):
    monkeypatch.setattr(Alarm, "IDLE", 0.05)

    async def one_wait() -> Alarm:
        loop = asyncio.get_running_loop()
        alarm = Alarm(loop)
        await alarm.until(loop.time() + 0.001)
        assert alarm.thread is not None
        return alarm

    alarm = asyncio.run(one_wait())
    wait_until(lambda: alarm.thread is None, 5, "the idle alarm's thread ended")
