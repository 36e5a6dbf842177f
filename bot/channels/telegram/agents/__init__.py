"""The Telegram agent group: one forum topic per case, agents reply and act from the topic."""
