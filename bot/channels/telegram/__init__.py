"""Telegram (aiogram 3): customers in private chats; ``agents/`` is the agents' forum group."""
