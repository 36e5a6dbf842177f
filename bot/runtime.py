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
from dataclasses import dataclass

from bot.evidence import EvidenceStore, LocalEvidenceStore
from bot.model_holder import ModelHolder
from bot.policy.compensation import CompensationMatrix, load_compensation
from bot.policy.dialogue import DialogueConfig, load_dialogue
from bot.policy.faq import Faq, load_faq
from bot.policy.identifiers import IdentifierReader, load_identifier_reader
from bot.policy.pickup import UnclaimedRule, load_unclaimed_rule
from bot.policy.regions import RegionTable, load_regions
from bot.policy.returns import ReturnPolicy, load_policy
from bot.policy.sentiment import FrustrationDetector, load_frustration
from handoff.agents.service import AgentService
from handoff.config.privacy import load_masker
from handoff.config.replies import LOCALES, Replies
from handoff.config.settings import Settings, load_settings
from handoff.desk.desk import Desk
from handoff.desk.sweeper import Sweeper
from handoff.integrations.orders.sources import OrderProviderFactory, order_source
from handoff.integrations.webhooks.config import webhooks_from_settings
from handoff.integrations.webhooks.emitter import CHANNEL as WEBHOOK
from handoff.integrations.webhooks.emitter import WebhookEmitter
from handoff.integrations.webhooks.sender import WebhookSender
from handoff.store.clock import Clock, SystemClock
from handoff.store.db import Database
from handoff.store.leases import Leases
from handoff.store.masking import IdentifierMasker
from handoff.store.outbox import OutboxWorker


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
    compensation: CompensationMatrix  # what L1 may offer when a customer demands compensation
    replies: Replies
    evidence: EvidenceStore
    desk: Desk
    agents: AgentService
    sweeper: Sweeper
    outbox: OutboxWorker
    orders: OrderProviderFactory
    masker: IdentifierMasker  # personal identifiers masked before anything is stored
    regions: RegionTable  # mainland / Taiwan / Hong Kong signals and template overlays
    unclaimed: UnclaimedRule  # a pickup parcel past its deadline goes back to the shop
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
    models = models or ModelHolder.load(settings.nlu_model_path)
    outbox = OutboxWorker(db, clock)
    _connect_webhooks(settings, clock, db, outbox)
    return Runtime(
        settings=settings, clock=clock, db=db, models=models,
        policy=load_policy(settings.policy_file),
        # The FAQ matcher segments words as the current model does.
        faq=load_faq(settings.faq_file, LOCALES, models.tokens),
        dialogue=load_dialogue(settings.policy_file.parent / "dialogue.yml"),
        identifiers=load_identifier_reader(settings.policy_file.parent / "identifiers.yml"),
        frustration=load_frustration(settings.training_data_dir / "lexicons" / "frustration.yml"),
        compensation=load_compensation(settings.policy_file.parent / "compensation.yml"),
        replies=replies,
        evidence=LocalEvidenceStore(settings.evidence_dir),
        desk=desk, agents=AgentService(desk), sweeper=Sweeper(desk),
        outbox=outbox,
        orders=order_source(settings, clock),
        masker=load_masker(settings.identifiers_file),
        regions=load_regions(settings.policy_file.parent / "regions.yml"),
        unclaimed=load_unclaimed_rule(settings.policy_file),
        leases=Leases(db),
    )


def _connect_webhooks(settings: Settings, clock: Clock, db: Database,
                      outbox: OutboxWorker) -> None:
    """Case events → signed webhook deliveries through the outbox (when endpoints exist)."""
    secrets = settings.webhook_secrets.get_secret_value() if settings.webhook_secrets else ""
    config = webhooks_from_settings(settings.webhooks_file, secrets)
    if config.endpoints:
        WebhookEmitter(config).install(db)
        outbox.register(WEBHOOK, WebhookSender(config, clock))


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
            settings = load_settings()
            _current = build_runtime(settings, models=ModelHolder.lazy(settings.nlu_model_path))
        return _current
