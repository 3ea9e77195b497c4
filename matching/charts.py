"""The model, visible: Splink's match-weights and m/u parameter charts of a saved
model, as PNG (for docs/linkage.md and the Dagster UI) and as self-contained HTML
(interactive, with Splink's bundled Vega: nothing loaded from the web).

Splink draws them from the model alone (`Settings.match_weights_chart`, the chart
behind `linker.visualisations.match_weights_chart`), so no data is needed and no
record value can appear in them.
"""

from __future__ import annotations

import base64
from pathlib import Path

# file stem -> what the chart shows
CHARTS = {
    "match_weights": "Match weight of each comparison level",
    "m_u_parameters": "m and u probabilities of each comparison level",
}


def _settings(model: dict):
    from splink.internals.settings_creator import SettingsCreator

    return SettingsCreator.from_path_or_dict(model).get_settings("duckdb")


def model_charts(model: dict) -> dict[str, object]:
    """Splink's two charts of `model`, by CHARTS stem."""
    settings = _settings(model)
    return {
        "match_weights": settings.match_weights_chart(),
        "m_u_parameters": settings.m_u_parameters_chart(),
    }


def save_model_charts(model: dict, folder: Path) -> dict[str, dict[str, Path]]:
    """Write <stem>.png and <stem>.html for each chart; their paths by stem."""
    import vl_convert

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for stem, chart in model_charts(model).items():
        png, html = folder / f"{stem}.png", folder / f"{stem}.html"
        png.write_bytes(vl_convert.vegalite_to_png(chart.chart_dict, scale=1.5))
        html.write_text(chart.to_html(inline=True), encoding="utf-8")
        written[stem] = {"png": png, "html": html}
    return written


def charts_metadata(written: dict[str, dict[str, Path]]) -> dict:
    """Dagster metadata: each chart shown inline (markdown with the PNG) and the
    path of its interactive HTML page."""
    import dagster as dg

    out = {}
    for stem, paths in written.items():
        data = base64.b64encode(paths["png"].read_bytes()).decode()
        out[f"{stem} chart"] = dg.MetadataValue.md(
            f"![{CHARTS[stem]}](data:image/png;base64,{data})"
        )
        out[f"{stem} chart (interactive)"] = dg.MetadataValue.path(str(paths["html"]))
    return out
