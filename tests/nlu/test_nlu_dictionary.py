"""The compact jieba dictionary a model keeps instead of jieba's 349 k-word one."""

import json
from pathlib import Path

import numpy as np
import pytest

from nlu import save_model
from nlu.artifacts import load_model
from nlu.config import TokenizerParams, TrainConfig
from nlu.data import load_examples
from nlu.model import NluModel
from nlu.tokenize import Tokenizer, jieba_dictionary, select_dictionary
from nlu.training import train_model


def test_model_keeps_frequent_words_and_every_word_of_its_training_data(
    mini_model: NluModel,
) -> None:
    kept = mini_model.tokenizer.dictionary
    full = jieba_dictionary()
    assert kept is not None
    assert len(kept.freq) < len(full.freq) / 5
    assert kept.total == full.total  # kept words keep their original probabilities
    assert {"订单", "物流", "包裹"} <= set(kept.freq)  # words of mini.yml
    rare = next(w for w, f in full.freq.items() if f < 100 and len(w) > 1)
    assert rare not in kept.freq


def test_training_sentences_segment_as_with_the_full_dictionary(
    mini_model: NluModel, data_dir: Path
) -> None:
    full = Tokenizer(mini_model.tokenizer.userdict)
    for text in ["我的订单到哪了", "物流一直不更新", "七天无理由退货怎么弄"]:
        assert mini_model.tokenizer.tokens(text) == full.tokens(text)


def test_saved_model_segments_with_its_stored_dictionary(
    mini_model: NluModel, tmp_path: Path
) -> None:
    path = tmp_path / "m.npz"
    save_model(mini_model, path)
    loaded = load_model(path)
    assert loaded.tokenizer.dictionary == mini_model.tokenizer.dictionary


def test_min_freq_zero_keeps_jiebas_full_dictionary(data_dir: Path) -> None:
    config = TrainConfig(tokenizer=TokenizerParams(dictionary_min_freq=0))
    model = train_model(load_examples([data_dir / "helpdesk.csv"]), config)
    assert model.tokenizer.dictionary is None
    assert model.metadata["dictionary_words"] is None


@pytest.mark.parametrize("min_freq", [1, 1000])
def test_selection_is_frequency_threshold_plus_used_words(min_freq: int) -> None:
    full = jieba_dictionary()
    kept = select_dictionary(full, [["订单", "不存在的词"]], min_freq)
    assert "订单" in kept.freq and "不存在的词" not in kept.freq
    assert all(f >= min_freq or w == "订单" for w, f in kept.freq.items())


def test_version_1_model_file_without_a_dictionary_still_loads(
    mini_model: NluModel, tmp_path: Path
) -> None:
    path = tmp_path / "m.npz"
    save_model(mini_model, path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files if name != "dict_freq"}
    header = json.loads(bytes(arrays["header"]).decode("utf-8"))
    header["format_version"] = 1
    del header["dictionary"]
    arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    np.savez(path, **arrays)
    old = load_model(path)
    assert old.tokenizer.dictionary is None
    assert old.parse("我的订单到哪了")["intent"] == mini_model.parse("我的订单到哪了")["intent"]
