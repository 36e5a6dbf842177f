"""After-sales NLU: text → intent, entities, sensitive words, language.

Public API::

    from nlu import load_model, save_model, train_model, load_examples
    model = load_model("training_data/models/intent_model.npz")
    model.parse("我的订单到哪了") -> ParseResult (Rasa parse format + sensitive + language)
"""

from typing import TYPE_CHECKING, Any

from nlu.artifacts import ModelLoadError, load_model, save_model
from nlu.config import ConfigError, TrainConfig, load_config
from nlu.data import DataError, Example, load_examples
from nlu.model import NluModel
from nlu.payloads import EntityPayload, IntentPayload, ParseResult, SensitivePayload

if TYPE_CHECKING:
    from nlu.training import train_model


def __getattr__(name: str) -> Any:
    # Training pulls in scikit-learn (~70 MB); a bot that only parses never imports it.
    if name == "train_model":
        from nlu.training import train_model

        return train_model
    raise AttributeError(f"module 'nlu' has no attribute {name!r}")


__all__ = [
    "ConfigError",
    "DataError",
    "EntityPayload",
    "Example",
    "IntentPayload",
    "ModelLoadError",
    "NluModel",
    "ParseResult",
    "SensitivePayload",
    "TrainConfig",
    "load_config",
    "load_examples",
    "load_model",
    "save_model",
    "train_model",
]
