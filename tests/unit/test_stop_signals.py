"""stop_signals.interrupt_on_sigterm: SIGTERM then unwinds as Ctrl-C does (pytest's run, the
mutation check and the benchmarks rely on it to stop what they started)."""
import signal

import pytest

from util.tools import stop_signals


def test_sigterm_raises_keyboard_interrupt():
    previous = signal.getsignal(signal.SIGTERM)
    try:
        stop_signals.interrupt_on_sigterm()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)
