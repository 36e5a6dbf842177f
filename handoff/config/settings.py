"""The one settings object.

Read, in order of precedence, from: keyword arguments (tests), environment variables
(``AFTERSALES_*``, plus the platform names ``DATABASE_URL``, ``TELEGRAM_*`` and ``LINE_*`` that
operators already know), an optional TOML file named by ``AFTERSALES_CONFIG``, then the defaults
below. Defaults come from the domain brief; the longer tables (SLAs, queues, rules, business hours,
return policy, FAQ) are files under ``training_data/`` whose paths are settings too.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from handoff.config.paths import default_templates_dir, default_training_data_dir

DEFAULT_SECRET = "change-me-in-production"  # `aftersales serve` refuses it off loopback


def _alias(name: str) -> Any:
    """Accept both the bare platform name and the ``AFTERSALES_`` form."""
    return AliasChoices(name, f"AFTERSALES_{name}")


class Settings(BaseSettings):
    """Every tunable of the product. See the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="AFTERSALES_", extra="ignore", frozen=True, populate_by_name=True
    )

    # -- storage ---------------------------------------------------------------------------
    database_url: str = Field("", validation_alias=_alias("DATABASE_URL"))
    var_dir: Path = Path("var")
    sqlite_busy_timeout_ms: int = 15_000
    # Evidence photos: every worker reads them, so with --workers on several machines this is a
    # shared mount (NFS, a volume); default var/evidence (one machine, one var/).
    evidence_root: Path | None = Field(
        None, validation_alias=AliasChoices("AFTERSALES_EVIDENCE_DIR", "evidence_root"))

    # -- data folders ----------------------------------------------------------------------
    training_data_dir: Path = Field(default_factory=default_training_data_dir)
    templates_dir: Path = Field(default_factory=default_templates_dir)
    nlu_model: Path | None = None
    nlu_threshold: float | None = None  # overrides the threshold tuned at training time

    # -- shop ------------------------------------------------------------------------------
    shop_name: str = "Demo Shop"
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    default_locale: str = "zh-Hans"
    order_id_pattern: str = r"(?<![A-Za-z0-9])(?:[A-Za-z]{2,4})?\d{10,20}(?!\d)"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)

    # -- L1 authority and dialogue bounds -----------------------------------------------------
    l1_refund_limit: Decimal = Decimal("500")
    l1_compensation_limit: Decimal = Decimal("50")
    max_reasks: int = 2
    fallbacks_before_handoff: int = 2
    l1_flow_timeout_minutes: int = 15
    evidence_max_bytes: int = 10 * 1024 * 1024
    evidence_max_pixels: int = 50_000_000  # decompression bombs: more pixels are refused

    # -- escalation defaults (rules.yml refers to these) ----------------------------------------
    repeat_contact_threshold: int = 3
    overdue_repeat_hours: float = 2.0
    open_case_escalation_hours: float = 48.0
    vip_raises_priority: bool = True
    vip_levels: tuple[str, ...] = ("gold", "platinum", "vip")
    low_confidence_review_threshold: float = 0.6
    repeat_contact_gap_minutes: int = 120  # messages closer than this are one contact
    repeat_contact_window_days: int = 30  # contacts older than this no longer count
    reopen_window_days: int = 7  # a handoff on a case resolved this recently reopens it
    summary_last_messages: int = 8
    model_follow_seconds: float = 2.0  # each worker swaps to a newly deployed model this fast
    lease_retry_seconds: float = 2.0  # singleton jobs: how soon another worker takes over
    sweep_interval_seconds: float = 60.0  # the web app runs the overdue sweeper this often
    retention_days: int = 365  # `aftersales privacy purge` keeps finished conversations this long
    inbox_max_failures: int = 10  # a webhook event failing this often is parked (not outages)

    # -- tables that live as files under training_data/ -----------------------------------------
    policy_file: Path | None = None  # default training_data/policies/returns.yml
    sla_file: Path | None = None  # default training_data/handoff/sla.yml
    queues_file: Path | None = None  # default training_data/handoff/queues.yml
    rules_file: Path | None = None  # default training_data/handoff/rules.yml
    hours_file: Path | None = None  # default training_data/handoff/business_hours.yml
    priorities_file: Path | None = None  # default training_data/handoff/priorities.yml
    csat_file: Path | None = None  # default training_data/handoff/csat.yml
    faq_file: Path | None = None  # default training_data/faq.yml
    identifiers_file: Path | None = None  # default training_data/privacy/identifiers.yml

    # -- web -------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""
    console_max_failed_logins: int = 5  # wrong passwords in a row before the sign-in locks
    console_lockout_minutes: float = 15.0
    console_session_hours: float = 12.0  # a console session ends this long after sign-in
    console_idle_minutes: float = 120.0  # ... or after this long without a request
    console_address_max_failed_logins: int = 20  # failed sign-ins per client address
    console_secure_cookie: bool = False  # forced on when public_url is https
    webchat_allowed_origins: tuple[str, ...] = Field(  # may frame /webchat/ (frame-ancestors)
        (), validation_alias=AliasChoices("AFTERSALES_WIDGET_ORIGINS",
                                          "AFTERSALES_WEBCHAT_ALLOWED_ORIGINS",
                                          "webchat_allowed_origins"))
    console_live_poll_seconds: float = 1.0  # live pages: the retrain job's progress, and the
    # floor while the change feed cannot hear every worker (its LISTEN connection is down)
    console_live_gap_seconds: float = 0.5  # a live page is told of changes at most this often
    change_feed_check_seconds: float = 15.0  # live pages re-read the floor this often anyway
    # (writes outside the store's sessions), and the LISTEN connection is checked as often
    change_feed_retry_seconds: float = 1.0  # a lost LISTEN connection: first retry, doubling
    http_max_query_chars: int = 4096  # a longer query string is a JSON 414
    http_max_line_bytes: int = 1024 * 1024  # aiohttp's parser refuses longer lines (plain 400)

    # -- channels (platform names, as in the Telegram and LINE docs) ------------------------------
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=_alias("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org", validation_alias=_alias("TELEGRAM_API_BASE_URL")
    )
    telegram_webhook_url: str = Field("", validation_alias=_alias("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_alias("TELEGRAM_WEBHOOK_SECRET")
    )
    telegram_agent_chat_id: int | None = Field(
        None, validation_alias=_alias("TELEGRAM_AGENT_CHAT_ID")
    )
    telegram_agent_poll_seconds: float = 2.0  # how often the agent group's topics are updated
    telegram_retry_initial_seconds: float = 1.0  # Bot API away at start-up: first retry after
    telegram_retry_max_seconds: float = 60.0  # … doubling up to this
    line_channel_secret: SecretStr | None = Field(
        None, validation_alias=_alias("LINE_CHANNEL_SECRET")
    )
    line_channel_access_token: SecretStr | None = Field(
        None, validation_alias=_alias("LINE_CHANNEL_ACCESS_TOKEN")
    )
    line_api_base_url: str = Field(
        "https://api.line.me", validation_alias=_alias("LINE_API_BASE_URL")
    )

    # -- integrations (README "Integrations") --------------------------------------------------
    order_source: Literal["store", "http", "shopify"] = "store"
    orders_integration_file: Path | None = None  # default training_data/integrations/orders.yml
    order_api_token: SecretStr | None = None  # AFTERSALES_ORDER_API_TOKEN, sent to the http source
    shopify_shop_url: str = Field("", validation_alias=_alias("SHOPIFY_SHOP_URL"))
    shopify_access_token: SecretStr | None = Field(
        None, validation_alias=_alias("SHOPIFY_ACCESS_TOKEN")
    )
    webhooks_file: Path | None = None  # default training_data/integrations/webhooks.yml
    webhook_secrets: SecretStr | None = None  # "endpoint=secret,endpoint2=secret2"

    # -- e-mail alerts to supervisors (new P1 cases, overdue 红头 alerts) ------------------------
    smtp_url: SecretStr | None = None  # smtp://user:pass@host:587?starttls=true, smtps://host
    smtp_from: str = ""
    supervisor_emails: tuple[str, ...] = ()
    alert_locale: str = ""  # the mails' language; default_locale when empty
    smtp_timeout_seconds: float = 20.0

    @model_validator(mode="after")
    def _fill_derived(self) -> Settings:
        # Frozen model: derived defaults are written once, here, so readers never re-derive them.
        derived = {
            "database_url": self.database_url or f"sqlite:///{self.var_dir / 'aftersales.db'}",
            "nlu_model": self.nlu_model or self.training_data_dir / "models" / "intent_model.npz",
            "policy_file": self.policy_file or self.training_data_dir / "policies" / "returns.yml",
            "sla_file": self.sla_file or self.training_data_dir / "handoff" / "sla.yml",
            "queues_file": self.queues_file or self.training_data_dir / "handoff" / "queues.yml",
            "rules_file": self.rules_file or self.training_data_dir / "handoff" / "rules.yml",
            "hours_file": self.hours_file
            or self.training_data_dir / "handoff" / "business_hours.yml",
            "faq_file": self.faq_file or self.training_data_dir / "faq.yml",
            "orders_integration_file": self.orders_integration_file
            or self.training_data_dir / "integrations" / "orders.yml",
            "webhooks_file": self.webhooks_file
            or self.training_data_dir / "integrations" / "webhooks.yml",
            "identifiers_file": self.identifiers_file
            or self.training_data_dir / "privacy" / "identifiers.yml",
            "priorities_file": self.priorities_file
            or self.training_data_dir / "handoff" / "priorities.yml",
            "csat_file": self.csat_file or self.training_data_dir / "handoff" / "csat.yml",
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)
        return self

    @property
    def nlu_model_path(self) -> Path:
        """The model file in use (``AFTERSALES_NLU_MODEL``)."""
        assert self.nlu_model is not None
        return self.nlu_model

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` when asked to, or whenever the public URL is https."""
        return self.console_secure_cookie or self.public_url.lower().startswith("https://")

    @property
    def email_alerts(self) -> bool:
        """Supervisors are mailed only when there is a server and someone to mail."""
        return self.smtp_url is not None and bool(self.supervisor_emails)

    @property
    def evidence_dir(self) -> Path:
        """Where evidence photos live (``AFTERSALES_EVIDENCE_DIR``, default var/evidence)."""
        return self.evidence_root or self.var_dir / "evidence"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("AFTERSALES_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment (and ``AFTERSALES_CONFIG``), with overrides."""
    return Settings(**overrides)
