"""An agent's own settings, set from the console header: language and availability."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handoff.config.i18n import LOCALES
from handoff.store.models.enums import Availability
from handoff.store.models.people import Agent


class PreferenceError(ValueError):
    """An unknown locale or availability (a 400)."""


def set_locale(session: Session, agent_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise PreferenceError(f"unknown language {locale!r}")
    agent = session.get(Agent, agent_id)
    if agent is not None:
        agent.locale = locale


def set_availability(session: Session, agent_id: int, value: str) -> None:
    try:
        availability = Availability(value)
    except ValueError as exc:
        raise PreferenceError(f"unknown availability {value!r}") from exc
    agent = session.get(Agent, agent_id)
    if agent is not None:
        agent.availability = availability
