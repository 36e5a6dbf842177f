"""The agent API's tests drive the desk of the handoff tests (their shop and desk fixtures)."""

from tests.handoff.conftest import desk, shop

__all__ = ["desk", "shop"]
