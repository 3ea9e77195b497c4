"""The runner names what a failed step did not build, with the trained model in
the graph as an asset no step builds."""

import dagster as dg

from orchestration.lib.config import PipelineConfig
from orchestration.runner import monthly_job


def test_a_step_maps_to_its_assets_and_the_model_asset_to_none():
    monthly = monthly_job(PipelineConfig.from_env(first_month="2025-11"))
    linkage = {k.to_user_string() for k in monthly.assets_of_step("person_linkage")}
    assert linkage == {
        "linkage/person_links",
        "linkage/person_keys",
        "linkage/review_queue",
        "linkage/link_quality",
    }
    assert dg.AssetKey(["linkage", "person_link_model"]) not in monthly.assets
