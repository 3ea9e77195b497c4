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

from matching.arrow import arrow_table
from matching.settings import DETERMINISTIC_RULES, TRAINING_BLOCKS, settings

MODEL_PATH = Path(__file__).parent / "models" / "person_link.json"
# Splink logs its progress at INFO, which includes SQL but no values; keep it quiet
logging.getLogger("splink").setLevel(logging.WARNING)


ENGINES = ("duckdb", "spark")


def _db_api(engine: str):
    """Splink's backend: an in-memory DuckDB, or the process's Spark session
    (created by orchestration.lib.spark with Splink's similarity UDF jar)."""
    if engine == "spark":
        from pyspark.sql import SparkSession
        from splink.backends.spark import SparkAPI

        return SparkAPI(spark_session=SparkSession.builder.getOrCreate())
    if engine != "duckdb":
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    return DuckDBAPI(connection=duckdb.connect())


def _as_input(frame: pd.DataFrame, engine: str):
    """Spark gets a DataFrame built from Arrow: Splink's own pandas conversion
    turns a column with no value this month into Spark's untypeable VOID."""
    if engine != "spark":
        return frame
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate().createDataFrame(arrow_table(frame))


def _forget_inputs(names) -> None:
    """Splink names its input views after the datasets; a Spark session keeps them
    from the last predict (a DuckDB linker starts from a new in-memory database)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    for name in names:
        spark.catalog.dropTempView(name)


def _linker(frames: dict[str, pd.DataFrame], model, engine: str = "duckdb"):
    db = _db_api(engine)
    if isinstance(model, dict) and model.get("comparisons") and engine != model.get("sql_dialect", engine):
        model = in_dialect(model, engine)
    if engine == "spark":
        _forget_inputs(frames)
    tables = [
        db.register(_as_input(df.drop(columns=["source_dataset"], errors="ignore"), engine), dataset_display_name=name)
        for name, df in frames.items()
    ]
    return Linker(tables if len(tables) > 1 else tables[0], model, log_level=logging.WARNING)


def in_dialect(model: dict, dialect: str) -> dict:
    """The saved model with its comparisons' SQL as Splink writes it for another
    backend. The saved SQL is DuckDB's, rendered from matching/settings.py's
    comparisons: the same comparisons rendered for `dialect`, level by level,
    take over the trained parameters unchanged. (The blocking rules name their
    dialect and Splink translates them itself.)"""
    ours = {c.output_column_name: c for c in settings().get_settings(model["sql_dialect"]).comparisons}
    theirs = {c.output_column_name: c for c in settings().get_settings(dialect).comparisons}
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        saved = [level["sql_condition"] for level in comparison["comparison_levels"]]
        if name not in ours or saved != [level.sql_condition for level in ours[name].comparison_levels]:
            raise ValueError(
                f"the model's comparison {name!r} is not matching/settings.py's: it cannot be "
                f"rendered for {dialect}; retrain it (`linkages train`)"
            )
        for level, other in zip(comparison["comparison_levels"], theirs[name].comparison_levels, strict=True):
            level["sql_condition"] = other.sql_condition
    out["sql_dialect"] = dialect
    return out


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


def predict(frames: dict[str, pd.DataFrame], model: dict, floor: float, engine: str = "duckdb") -> pd.DataFrame:
    """Every blocked pair scored at or above `floor`, with its comparison levels."""
    if sum(len(df) for df in frames.values()) < MIN_RECORDS_FOR_TERM_FREQUENCIES:
        model = without_term_frequencies(model)
    linker = _linker(frames, model, engine)
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
