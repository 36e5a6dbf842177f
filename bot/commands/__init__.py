"""Commands other areas add to the ``aftersales`` groups (registered in ``bot/cli.py``)."""
