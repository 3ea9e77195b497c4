"""The model, visible: Splink's match-weights and m/u charts of the shipped model,
written as PNG and offline HTML, and a training recorded on the model asset in
Dagster with the charts in its metadata."""

import dagster as dg

from matching.charts import save_model_charts
from matching.model import MODEL_PATH, load_model
from orchestration.defs.linkage.assets import PERSON_LINK_MODEL, record_training


def test_the_charts_are_pngs_and_offline_html_pages(tmp_path):
    written = save_model_charts(load_model(), tmp_path)
    assert set(written) == {"match_weights", "m_u_parameters"}
    for paths in written.values():
        assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        html = paths["html"].read_text()
        # Splink's bundled Vega inline: the page works without the web
        assert "vega" in html and '<script src="http' not in html
    # the chart's own title, drawn from the model's levels
    assert (
        "first and last names swapped" in written["match_weights"]["html"].read_text()
    )


def test_a_training_is_recorded_on_the_model_asset_with_its_charts(tmp_path):
    charts = save_model_charts(load_model(), tmp_path)
    plan = {"comparisons": ["first_name", "dob"], "passes": [["ssn"], ["dob"]]}
    with dg.DagsterInstance.ephemeral() as instance:
        record_training(instance, MODEL_PATH, charts, plan)
        event = instance.get_latest_materialization_event(PERSON_LINK_MODEL)
    metadata = event.asset_materialization.metadata
    assert metadata["comparisons"].value == "first_name, dob"
    assert metadata["em_passes"].value == 2
    assert metadata["match_weights chart"].value.startswith(
        "![Match weight of each comparison level](data:image/png;base64,iVBOR"
    )
    assert metadata["m_u_parameters chart (interactive)"].value == str(
        tmp_path / "m_u_parameters.html"
    )


def test_linkages_train_writes_the_charts_and_records_them_in_dagster_home(
    tmp_path, monkeypatch
):
    from orchestration.cli import _model_charts

    home = tmp_path / "dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    out = tmp_path / "model.json"
    plan = {"comparisons": ["first_name"], "passes": [["dob"]]}
    _model_charts(load_model(), out, plan, None)
    folder = tmp_path / "model_charts"
    assert sorted(p.name for p in folder.iterdir()) == [
        "m_u_parameters.html",
        "m_u_parameters.png",
        "match_weights.html",
        "match_weights.png",
    ]
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(PERSON_LINK_MODEL)
    assert event.asset_materialization.metadata["model_file"].value == str(out)
