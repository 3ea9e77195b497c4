"""Train the person-linkage model, and score pairs with a saved one.

Both take standardized frames (`standardize.standardize`) keyed by dataset
name. The model file is plain Splink JSON: reviewed in git, loaded as-is for
every monthly predict, so the same input gives the same links.
"""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from matching.settings import DETERMINISTIC_RULES, TRAINING_BLOCKS, settings

MODEL_PATH = Path(__file__).parent / "models" / "person_link.json"
# Splink logs its progress at INFO, which includes SQL but no values; keep it quiet
logging.getLogger("splink").setLevel(logging.WARNING)


def _linker(frames: dict[str, pd.DataFrame], model, con: duckdb.DuckDBPyConnection | None = None):
    db = DuckDBAPI(connection=con or duckdb.connect())
    tables = [
        db.register(df.drop(columns=["source_dataset"], errors="ignore"), dataset_display_name=name)
        for name, df in frames.items()
    ]
    return Linker(tables if len(tables) > 1 else tables[0], model, log_level=logging.WARNING)


def train(
    frames: dict[str, pd.DataFrame], seed: int = 1, max_pairs: float = 2e6, link_type="link_only"
) -> dict:
    """Estimate the model on these records; return it as a JSON-able dict.
    `link_type` may also be a whole SettingsCreator (benchmarks compare models)."""
    model = settings(link_type) if isinstance(link_type, str) else link_type
    linker = _linker(frames, model)
    linker.training.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for block in TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block, estimate_without_term_frequencies=True
        )
    return linker.misc.save_model_to_json()


def save_model(model: dict, path: Path = MODEL_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
    return path


def load_model(path: Path = MODEL_PATH) -> dict:
    return json.loads(Path(path).read_text())


# term-frequency adjustments weigh a name by how common it is in the input;
# below this many records the input's own frequencies are noise, not evidence
MIN_RECORDS_FOR_TERM_FREQUENCIES = 10_000


def without_term_frequencies(model: dict) -> dict:
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return model


# what every scored pair carries, before its comparison levels (gamma_*)
PAIR_COLUMNS = ["source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r",
                "match_probability", "match_weight"]  # fmt: skip


def predict(frames: dict[str, pd.DataFrame], model: dict, floor: float) -> pd.DataFrame:
    """Every blocked pair scored at or above `floor`, with its comparison levels."""
    if sum(len(df) for df in frames.values()) < MIN_RECORDS_FOR_TERM_FREQUENCIES:
        model = without_term_frequencies(model)
    linker = _linker(frames, model)
    pairs = linker.inference.predict(threshold_match_probability=floor).as_pandas_dataframe()
    keep = PAIR_COLUMNS
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    out = pairs[keep + gammas].copy()
    # one orientation per pair, so a pair's key does not depend on Splink's join order
    flip = (out["source_dataset_l"] > out["source_dataset_r"]) | (
        (out["source_dataset_l"] == out["source_dataset_r"]) & (out["unique_id_l"] > out["unique_id_r"])
    )
    swap = {"source_dataset_l": "source_dataset_r", "unique_id_l": "unique_id_r",
            "source_dataset_r": "source_dataset_l", "unique_id_r": "unique_id_l"}  # fmt: skip
    out.loc[flip, list(swap)] = out.loc[flip, list(swap.values())].to_numpy()
    return out.sort_values(["source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r"],
                           ignore_index=True)  # fmt: skip
