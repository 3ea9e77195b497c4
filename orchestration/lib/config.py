"""The one configuration object, as the Dagster resource the assets take: its
fields, defaults and reading are orchestration/lib/settings.py's."""

from __future__ import annotations

import dagster as dg

from orchestration.lib.settings import Settings


class PipelineConfig(dg.ConfigurableResource, Settings):
    """Settings (orchestration/lib/settings.py) as a Dagster resource."""
