"""``training_data/integrations/webhooks.yml`` (endpoints and their events) and the secrets
from ``AFTERSALES_WEBHOOK_SECRETS``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoff.config.yamlfile import ConfigFileError, load_yaml
from handoff.integrations.webhooks.events import CaseEventType


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    events: frozenset[CaseEventType]
    secret: str


@dataclass(frozen=True)
class WebhooksConfig:
    endpoints: tuple[Endpoint, ...]
    timeout_seconds: float = 5.0

    def wanting(self, kind: CaseEventType) -> tuple[Endpoint, ...]:
        return tuple(e for e in self.endpoints if kind in e.events)

    def named(self, name: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.name == name), None)


def parse_secrets(value: str) -> dict[str, str]:
    """``"crm=s3cret,erp=other"`` → ``{"crm": "s3cret", "erp": "other"}``."""
    pairs = (item.split("=", 1) for item in value.split(",") if "=" in item)
    return {name.strip(): secret.strip() for name, secret in pairs}


def load_webhooks(path: Path, secrets: str) -> WebhooksConfig:
    data = load_yaml(path) or {}
    known = parse_secrets(secrets)
    endpoints = []
    for item in data.get("endpoints") or []:
        try:
            name, url = str(item["name"]), str(item["url"])
            events = frozenset(CaseEventType(e) for e in item["events"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigFileError(f"{path}: endpoint {item!r}: {exc!r}") from exc
        if len(name) > 128 or not known.get(name):
            raise ConfigFileError(f"{path}: endpoint {name!r} has no secret in "
                                  "AFTERSALES_WEBHOOK_SECRETS (name=secret)")
        endpoints.append(Endpoint(name, url, events, known[name]))
    return WebhooksConfig(tuple(endpoints), float(data.get("timeout_seconds", 5)))


def webhooks_from_settings(path: Path | None, secrets: str) -> WebhooksConfig:
    """The configured endpoints; none when the file is absent (a custom training_data/)."""
    if path is None or not path.exists():
        return WebhooksConfig(())
    return load_webhooks(path, secrets)
