"""Conversation tests: multi-turn transcripts in YAML (``training_data/tests/conversations/``)
run against the engine on a fresh store with the demo orders, in the spirit of Rasa's test
stories. ``aftersales test conversations`` and pytest run the same files."""
