"""The dialogue engine: one transaction per inbound message, from storage to stored replies."""

from bot.engine.bot import Bot

__all__ = ["Bot"]
