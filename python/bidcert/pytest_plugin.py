"""The pytest plugin of bidcert (entry point ``pytest11``): the ``bidcert_emulator`` fixture.

Each test that asks for ``bidcert_emulator`` gets a fresh :class:`bidcert.testing.Emulator`
with the demo fixture, shut down after the test. Give another fixture with the marker
``@pytest.mark.bidcert_fixture(fixture)`` (a dict or a JSON file path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from bidcert.testing import Emulator

__all__ = ["bidcert_emulator", "pytest_configure"]


def pytest_configure(config: pytest.Config) -> None:
    """Registers the ``bidcert_fixture`` marker."""
    config.addinivalue_line(
        "markers",
        "bidcert_fixture(fixture): the emulator fixture (dict or JSON path) for bidcert_emulator",
    )


@pytest.fixture
def bidcert_emulator(request: pytest.FixtureRequest) -> Iterator["Emulator"]:
    """A running bidcert emulator (demo fixture unless marked ``bidcert_fixture``)."""
    from bidcert.testing import Emulator

    marker = request.node.get_closest_marker("bidcert_fixture")
    fixture = marker.args[0] if marker is not None and marker.args else None
    with Emulator(fixture) as emulator:
        yield emulator
