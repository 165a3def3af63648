"""Marks for the tests: which listing a parametrized case is the test of."""
from __future__ import annotations

import pytest


def listing_params(*numbers: str) -> list:
    """One pytest.param per listing number, marked `@pytest.mark.listing(number)`, for
    `@pytest.mark.parametrize("listing", listing_params("6.2", "6.8"))`."""
    return [pytest.param(number, marks=pytest.mark.listing(number)) for number in numbers]
