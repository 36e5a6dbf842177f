"""The composition root: every service built once from Settings and handed out.

`build_runtime` builds the store, clock, model, policies, the one reply renderer, the evidence
store, the desk, the agent service, the sweeper and the one outbox worker. The web app and every
channel get this `Runtime` (channels register their senders with ``runtime.outbox``); the
rasa-sdk actions reach it through `current()`, which the app sets at startup (`install`) and
which the standalone action server (``python -m rasa_sdk --actions bot.actions``) builds lazily
from the environment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.evidence import EvidenceStore, LocalEvidenceStore
from bot.model_holder import ModelHolder
from bot.policy.dialogue import DialogueConfig, load_dialogue
from bot.policy.faq import Faq, load_faq
from bot.policy.identifiers import IdentifierReader, load_identifier_reader
from bot.policy.returns import ReturnPolicy, load_policy
from bot.policy.sentiment import FrustrationDetector, load_frustration
from handoff.agents.service import AgentService
from handoff.config.privacy import load_masker
from handoff.config.replies import LOCALES, Replies
from handoff.config.settings import Settings, load_settings
from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.store.clock import Clock, SystemClock
from handoff.store.db import Database
from handoff.store.leases import Leases
from handoff.store.masking import IdentifierMasker
from handoff.store.orders import DbOrderProvider, OrderProvider
from handoff.store.outbox import OutboxWorker

OrderProviderFactory = Callable[[Session], OrderProvider]


@dataclass(frozen=True)
class Runtime:
    """The composed product: store, clock, settings, model, policies, replies, evidence, and
    the services built once: desk, agent service, sweeper, outbox worker."""

    settings: Settings
    clock: Clock
    db: Database
    models: ModelHolder
    policy: ReturnPolicy
    faq: Faq
    dialogue: DialogueConfig
    identifiers: IdentifierReader
    frustration: FrustrationDetector
    replies: Replies
    evidence: EvidenceStore
    desk: Desk
    agents: AgentService
    sweeper: Sweeper
    outbox: OutboxWorker
    orders: OrderProviderFactory
    masker: IdentifierMasker  # personal identifiers masked before anything is stored
    leases: Leases  # which singleton jobs this process runs (PostgreSQL advisory locks)


def build_runtime(settings: Settings, clock: Clock | None = None, *,
                  database: Database | None = None, models: ModelHolder | None = None,
                  desk: Desk | None = None) -> Runtime:
    """Compose the runtime from settings (the model file must exist; see `ensure_model_file`)."""
    assert settings.policy_file and settings.faq_file and settings.identifiers_file
    clock = clock or SystemClock()
    db = database or Database(settings.database_url,
                              busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    replies = Replies.from_settings(settings)
    desk = desk or Desk(settings, clock, replies=replies)
    key = settings.secret_key.get_secret_value()
    return Runtime(
        settings=settings, clock=clock, db=db,
        models=models or ModelHolder.load(settings.nlu_model_path),
        policy=load_policy(settings.policy_file),
        faq=load_faq(settings.faq_file, LOCALES),
        dialogue=load_dialogue(settings.policy_file.parent / "dialogue.yml"),
        identifiers=load_identifier_reader(settings.policy_file.parent / "identifiers.yml"),
        frustration=load_frustration(settings.training_data_dir / "lexicons" / "frustration.yml"),
        replies=replies,
        evidence=LocalEvidenceStore(settings.evidence_dir),
        desk=desk, agents=AgentService(desk), sweeper=Sweeper(desk),
        outbox=OutboxWorker(db, clock),
        orders=lambda session: DbOrderProvider(session, key),
        masker=load_masker(settings.identifiers_file),
        leases=Leases(db),
    )


_lock = threading.Lock()
_current: Runtime | None = None


def install(runtime: Runtime) -> None:
    """Make ``runtime`` the one the actions use (the app does this at startup)."""
    global _current
    with _lock:
        _current = runtime


def current() -> Runtime:
    """The installed runtime, or one built from the environment (standalone action server)."""
    global _current
    with _lock:
        if _current is None:
            _current = build_runtime(load_settings())
        return _current
