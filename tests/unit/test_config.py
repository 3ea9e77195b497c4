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


def test_linking_two_files_does_not_import_dagster(tmp_path):
    """`linkages link` reads its thresholds from the settings without Dagster
    (importing it took 0.8 s of a link of two small files)."""
    import subprocess
    import sys

    people = "record_id,first_name,last_name,date_of_birth\n1,ANA,REYES,1980-01-01\n"
    for name in ("l.csv", "r.csv"):
        (tmp_path / name).write_text(people)
    script = (
        "import sys; from orchestration.cli import main; "
        f"code = main(['link', {str(tmp_path / 'l.csv')!r}, {str(tmp_path / 'r.csv')!r},"
        f" '--out', {str(tmp_path / 'p.csv')!r}]); "
        "print(code, 'dagster' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "0 False"
    assert (tmp_path / "p.csv").read_text().count("\n") == 2  # the header and the pair


def test_the_resource_has_the_settings_fields_and_reading():
    from orchestration.lib.settings import Settings

    assert PipelineConfig.model_fields.keys() == Settings.model_fields.keys()
    config = PipelineConfig.from_env(review_floor=0.4)
    assert isinstance(config, PipelineConfig) and config.review_floor == 0.4
    assert isinstance(config.for_days(), PipelineConfig)
