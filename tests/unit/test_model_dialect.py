"""The saved model (DuckDB SQL) rendered for Splink's Spark backend."""

import copy

import pytest

from matching.model import in_dialect, load_model

DUCKDB_ONLY = ("jaro_winkler_similarity(", "list_intersect(", "try_strptime(", "EPOCH(")


def _levels(model):
    return [level for c in model["comparisons"] for level in c["comparison_levels"]]


def test_spark_model_keeps_every_trained_parameter_and_drops_duckdb_sql():
    saved = load_model()
    spark = in_dialect(saved, "spark")
    assert spark["sql_dialect"] == "spark"
    assert saved["sql_dialect"] == "duckdb"  # the saved model is not changed
    assert (
        spark["probability_two_random_records_match"]
        == saved["probability_two_random_records_match"]
    )
    assert (
        spark["blocking_rules_to_generate_predictions"]
        == saved["blocking_rules_to_generate_predictions"]
    )
    ours, theirs = _levels(saved), _levels(spark)
    assert len(ours) == len(theirs) > 20
    for a, b in zip(ours, theirs, strict=True):
        assert {k: v for k, v in a.items() if k != "sql_condition"} == {
            k: v for k, v in b.items() if k != "sql_condition"
        }
        assert not any(f in b["sql_condition"] for f in DUCKDB_ONLY), b["sql_condition"]
    # the hand-checked translations of the functions Spark lacks
    conditions = " ".join(level["sql_condition"] for level in theirs)
    assert "jaro_winkler(`first_name_l`, `first_name_r`) >= 0.92" in conditions
    assert "try_to_timestamp(`dob_l`, 'yyyy-MM-dd')" in conditions


def test_a_model_edited_by_hand_is_refused_not_guessed():
    edited = copy.deepcopy(load_model())
    comparison = edited["comparisons"][0]
    comparison["comparison_levels"][1]["sql_condition"] += " and 1 = 1"
    with pytest.raises(ValueError, match=comparison["output_column_name"]):
        in_dialect(edited, "spark")


def test_the_saved_model_blocks_with_the_rules_in_settings():
    # blocking changes no trained parameter: the saved model carries settings.py's
    # rules, written there when they change
    from matching.model import MODEL_PATH, load_model
    from matching.settings import settings

    expected = settings().get_settings("duckdb").as_dict()
    assert (
        load_model(MODEL_PATH)["blocking_rules_to_generate_predictions"]
        == expected["blocking_rules_to_generate_predictions"]
    )
