"""Risk detection that reads meaning: a classifier beside the intent model.

A message is scored by a calibrated linear classifier (jieba words + character
n-grams, trained on ``training_data/risk/``) over the classes ``legal``, ``media``,
``regulator``, ``safety`` and ``none``; its hits are combined with the sensitive-word
lexicon (``nlu.sensitive``): a listed word fires unless the model is confident the
message is a neutral use, and the model fires on its own above a per-category
threshold (``training_data/risk/thresholds.yml``). Every hit names its category,
score, the span that triggered it and its source (``lexicon`` / ``model``).

Modules: ``data`` (examples, settings, reviewed relabels), ``model`` (numpy-only scoring
and spans), ``combine`` (lexicon + model), ``fitting`` (scikit-learn training),
``store`` (inside the intent model file), ``evaluate`` (held-out splits, report).
"""

from nlu.risk.combine import RiskHit, detect
from nlu.risk.data import RISK_CATEGORIES, RiskExample, RiskSettings
from nlu.risk.model import RiskModel

__all__ = ["RISK_CATEGORIES", "RiskExample", "RiskHit", "RiskModel", "RiskSettings", "detect"]
