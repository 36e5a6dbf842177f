"""The trainer's review loop: misunderstood messages → relabels → retrain → deploy.

Used by the console's training page and by ``aftersales nlu review``. Relabels become Rasa NLU
examples in ``training_data/nlu/reviewed.yml`` (so ``nlu train`` picks them up like any other
file); which messages were reviewed is a small JSON state under ``var/nlu_review/``.
"""

from bot.review.labels import ReviewStore
from bot.review.queue import ReviewItem, pending_items

__all__ = ["ReviewItem", "ReviewStore", "pending_items"]
