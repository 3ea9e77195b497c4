"""The configuration: one object, and dbt's defaults agree with it."""

from orchestration.lib.config import PipelineConfig
from orchestration.lib.dbt_project import dbt_vars


def test_dbts_default_confidence_cut_off_is_the_configurations():
    """Dagster passes the configured cut-off to dbt; dbt run alone (an analyst's
    build) falls back on dbt_project.yml's, which must be the same."""
    assert (
        dbt_vars()["high_confidence_threshold"]
        == PipelineConfig().high_confidence_threshold
    )


def test_list_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LINKAGES_SCORE_BAND_EDGES", "0.5,0.9")
    monkeypatch.setenv("LINKAGES_HIGH_CONFIDENCE_THRESHOLD", "0.97")
    config = PipelineConfig.from_env()
    assert config.score_band_edges == [0.5, 0.9]
    assert config.high_confidence_threshold == 0.97
