"""L1 actions as rasa-sdk Actions.

The engine runs them in-process through rasa-sdk's `ActionExecutor`; the standard action server
serves them unchanged: ``python -m rasa_sdk --actions bot.actions``. Their dependencies (store,
settings, desk …) come from `bot.runtime.current()`, and the current turn (session, conversation)
from `bot.actions.context`.
"""
