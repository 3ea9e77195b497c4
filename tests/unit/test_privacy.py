"""Keyed pseudonyms and the metadata previews built from them."""

import os
import stat

import pandas as pd

from orchestration.defs.linkage.assets import review_preview, score_bands
from orchestration.lib import privacy
from orchestration.lib.config import PipelineConfig


def test_pseudonyms_are_stable_keyed_and_reveal_nothing(monkeypatch):
    monkeypatch.setenv(privacy.SECRET_ENV, "key one")
    first = privacy.pseudonym("P000123")
    assert first == privacy.pseudonym("P000123") and len(first) == 16
    monkeypatch.setenv(privacy.SECRET_ENV, "key two")
    assert privacy.pseudonym("P000123") != first  # without the key, no join back


def test_keyed_hashes_are_the_pseudonyms_of_each_value(monkeypatch):
    values = ["PK0000000001", "PK0000000001", "", "Ñandú O'Brien", "a b  c"]
    # a key shorter than SHA-256's 64-byte block, one exactly as long (the
    # generated secret file's), and one longer (hashed first, as HMAC does)
    for key in ("key one", "k" * 64, "long key " * 10):
        monkeypatch.setenv(privacy.SECRET_ENV, key)
        expected = [privacy.pseudonym(v) for v in values]
        assert privacy.keyed_hashes(values) == expected
        assert privacy.keyed_hashes(pd.Series(values, dtype="str")) == expected
    assert len(set(expected)) == 4


def test_a_missing_secret_file_is_created_owner_only(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.SECRET_ENV, raising=False)
    path = tmp_path / "secrets" / "hash_secret"
    monkeypatch.setenv(privacy.SECRET_FILE_ENV, str(path))
    value = privacy.pseudonym("C42")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text()) == 64
    assert privacy.pseudonym("C42") == value  # the file is reused, not replaced
    assert os.environ.get(privacy.SECRET_ENV) is None


def test_review_preview_shows_hashed_ids_only():
    queue = pd.DataFrame(
        {
            "calworks_person_id": ["P1", "P2"],
            "cws_client_id": ["C9", "C8"],
            "match_probability": [0.7, 0.9],
        }
    )
    table = review_preview(queue)
    assert "P1" not in table and "C9" not in table
    assert table.splitlines()[2].endswith("| 0.900 |")  # highest first
    assert privacy.pseudonym("P2") in table.splitlines()[2]


def test_score_bands_count_cross_system_pairs_once():
    pairs = pd.DataFrame(
        {
            "source_dataset_l": ["calworks"] * 4 + ["cws"],
            "source_dataset_r": ["cws"] * 4 + ["cws"],
            "match_probability": [0.5, 0.95, 0.99, 1.0, 0.99],
        }
    )
    assert score_bands(pairs, PipelineConfig().score_band_edges) == {
        "pairs scored 0.50-0.80": 1,
        "pairs scored 0.80-0.95": 0,
        "pairs scored 0.95-0.99": 1,
        "pairs scored 0.99-1.00": 2,
    }
