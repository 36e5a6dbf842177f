"""The bench's push side: the servers' webhook for ``case.agent_reply`` points at a receiver in
the bench, and each agent reply's delay runs from its API call to its arrival there."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from bot.bench.push import ENDPOINT, platform_server
from handoff.integrations.webhooks.config import webhooks_from_settings
from handoff.integrations.webhooks.events import CaseBody, CaseEventType, event_body
from handoff.integrations.webhooks.sender import WebhookSender
from handoff.store.clock import SystemClock

CASE = CaseBody(**{"number": "C-1", "status": "in_progress", "queue": "l1", "priority": "P3",
        "channel": "webchat"})


async def test_an_agent_reply_sent_by_the_servers_webhook_is_timed_from_its_api_call(
        tmp_path: Path) -> None:
    with platform_server(tmp_path) as (platform, env):
        config = webhooks_from_settings(Path(env["AFTERSALES_WEBHOOKS_FILE"]),
                                        env["AFTERSALES_WEBHOOK_SECRETS"])
        assert [e.name for e in config.wanting(CaseEventType.AGENT_REPLY)] == [ENDPOINT]
        assert not config.wanting(CaseEventType.OPENED)  # only agent replies are timed
        replied = {41: time.time(), 42: time.time()}
        sender = WebhookSender(config, SystemClock())
        for message_id in (41, 43):  # 43: another reply the bench did not send
            body = event_body(CaseEventType.AGENT_REPLY, CASE, actor="sam",
                              at=datetime.now(UTC), data={"message_id": message_id})
            await sender.send(ENDPOINT, dict(body))
        delays = platform.settled_delays(replied, wait=0.5)
    assert len(delays) == 1 and 0 <= delays[0] < 5  # 42 never arrived: not counted as delivered
