"""`ChannelMount`: what a channel hands the web app — its routes, the background work that
starts and stops with the app, and the channel objects operators and tests may reach.

Channels never import the web app; the app installs each mount (``mount.install(app)``).
Senders are not part of it: a channel registers its sender with the one outbox worker it is
given when it is built.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.channels.health import CHANNEL_HEALTH, ChannelHealth

Lifespan = Callable[[web.Application], AsyncIterator[None]]


@dataclass(frozen=True)
class ChannelMount:
    routes: tuple[web.RouteDef, ...] = ()
    lifespans: tuple[Lifespan, ...] = ()
    exposed: Mapping[web.AppKey[Any], Any] = field(default_factory=dict)
    health: tuple[ChannelHealth, ...] = ()

    def __add__(self, other: ChannelMount) -> ChannelMount:
        return ChannelMount(self.routes + other.routes, self.lifespans + other.lifespans,
                            {**self.exposed, **other.exposed}, self.health + other.health)

    def install(self, app: web.Application) -> None:
        """Add the routes, start/stop the background work with ``app``, expose the objects."""
        app.add_routes(self.routes)
        app.cleanup_ctx.extend(self.lifespans)
        for key, value in self.exposed.items():
            app[key] = value
        app[CHANNEL_HEALTH] = [*app.get(CHANNEL_HEALTH, []), *self.health]
