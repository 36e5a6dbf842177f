"""The e-mail channel's mount: registers `SmtpSender` with the outbox when alerts are on.

Like every channel's gate, this module imports none of the channel's machinery (smtplib, the
alert templates): a worker without ``AFTERSALES_SMTP_URL`` never loads them.
"""

from __future__ import annotations

from bot.channels.health import ChannelHealth
from bot.channels.mount import ChannelMount
from bot.runtime import Runtime
from handoff.routing.alerts import EMAIL_CHANNEL


def email_mount(runtime: Runtime) -> ChannelMount | None:
    """None unless ``AFTERSALES_SMTP_URL`` and ``AFTERSALES_SUPERVISOR_EMAILS`` are set (the
    desk queues no alert mail then). A bad URL or template fails here, at start-up."""
    settings = runtime.settings
    if not settings.email_alerts or settings.smtp_url is None:
        return None
    # WHY here: only a worker that sends alert mail loads smtplib and the templates.
    from bot.channels.email.mail import AlertWording
    from bot.channels.email.smtp import SmtpSender, parse_smtp_url

    server = parse_smtp_url(settings.smtp_url.get_secret_value())
    wording = AlertWording(settings.templates_dir, settings.timezone, settings.public_url)
    sender = settings.smtp_from or f"aftersales@{server.host}"
    runtime.outbox.register(EMAIL_CHANNEL, SmtpSender(server, sender, wording,
                                                      settings.smtp_timeout_seconds))
    health = ChannelHealth(EMAIL_CHANNEL)
    health.connected()  # nothing to reach at start-up; failed mails show as outbox retries
    return ChannelMount(health=(health,))
