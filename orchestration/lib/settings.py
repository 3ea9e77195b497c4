"""The one configuration object's fields: paths and thresholds.

Values come from, in order of precedence: environment variables
(`LINKAGES_<FIELD>`), a YAML file named by `LINKAGES_CONFIG`, the defaults here.
Plain pydantic, no Dagster: orchestration/lib/config.py makes it the resource the
assets take, and `linkages link` reads its thresholds here without importing
Dagster (0.8 s of a run on two small files).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel

from orchestration.lib.warehouse import Engine

ENV_PREFIX = "LINKAGES_"
SmtpSecurity = Literal["starttls", "ssl", "none"]


class Settings(BaseModel):
    # where tables live and what runs the SQL and Splink: "duckdb" (one file,
    # warehouse_path), "spark" (docs/spark.md) or "postgres"; the one place it is chosen is
    # orchestration/lib/warehouse.py (open_warehouse)
    engine: Engine = "duckdb"
    # engine postgres (docs/postgres.md): the database and the pipeline's role; the
    # password only from LINKAGES_PG_PASSWORD or ~/.pgpass, never from a file here
    pg_host: str = "localhost"
    pg_port: int = 5432
    pg_database: str = "linkages"
    pg_user: str = "linkages_pipeline"
    landing_dir: str = "data/landing"
    warehouse_path: str = "data/warehouse.duckdb"
    # the analysts' read-only copy of the outcome and reporting tables (no
    # personal columns), replaced after each month; empty: analytics.duckdb
    # beside the warehouse (orchestration/defs/analytics)
    analytics_path: str = ""
    # the daily route's own warehouse (orchestration/daily.py): each day replaces its
    # month's rows there, so the monthly warehouse is never touched; empty:
    # daily_warehouse.duckdb beside the warehouse
    daily_warehouse_path: str = ""
    exports_dir: str = "data/exports"
    reports_dir: str = "data/reports"
    # first report month that can be run (Dagster's partitions start here);
    # empty: the oldest month folder in the landing folder
    first_month: str = ""
    # first day the daily route can run; empty: the oldest folder in <landing>/daily/
    first_day: str = ""
    # the daily route's office inbox notice (orchestration/defs/delivery/mail.py): no
    # host, no mail. smtp_security: starttls, ssl or none; smtp_ca_file: a CA bundle for
    # a county's own certificate authority; smtp_user: log in as (the password only
    # from LINKAGES_SMTP_PASSWORD); office_mail: office code -> inbox address (in the
    # environment: 19=a@example.org,20=b@example.org)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: SmtpSecurity = "starttls"
    smtp_ca_file: str = ""
    smtp_user: str = ""
    smtp_sender: str = ""
    office_mail: dict[str, str] = {}
    # the landing sensor runs a month once its files are all there and none
    # has changed for this long (an extract still being copied is not run)
    landing_settle_seconds: int = 600
    # the saved linkage model; reviewer decisions are read from <landing>/reviews/
    model_path: str = str(
        Path(__file__).resolve().parents[2] / "matching" / "models" / "person_link.json"
    )
    # linkage decision bands (CONTRACT.md §5)
    auto_match_threshold: float = 0.95
    review_floor: float = 0.50
    # the linkage asset counts cross-system pairs by score for the UI's trend plots:
    # one band from each edge up to the next, the last one up to 1
    score_band_edges: list[float] = [0.5, 0.8, 0.95, 0.99]
    # the exports' confidence band: a model link at or above this is HIGH, else
    # STANDARD (dbt's default of the same var, dbt_project.yml, is tested equal)
    high_confidence_threshold: float = 0.99
    # link quality (matching/quality.py): how many links of each stratum (link
    # basis x score band) join the review queue each month as a blind QA sample
    qa_sample_per_band: int = 20
    # the review page (orchestration/review/): a session ends after this many
    # minutes without a request
    review_session_minutes: int = 30
    # household links (matching/links.py): the lowest probability a pair may have
    # when another linked member already joins its two families
    household_floor: float = 0.0001
    # the ingest gates (CONTRACT.md §8)
    max_quarantine_rate: float = 0.05
    max_dangling_fk_rate: float = 0.01
    min_rows_vs_previous_month: float = 0.5
    # the linkage gate: no person spread over more records than this; links
    # per CWS client within this factor of last month's
    max_cluster_size: int = 12
    max_link_rate_change: float = 0.5

    @classmethod
    def from_env(cls, **overrides) -> Self:
        values: dict = {}
        config_file = os.environ.get(ENV_PREFIX + "CONFIG")
        if config_file:
            values.update(yaml.safe_load(Path(config_file).read_text()) or {})
        for name, field in cls.model_fields.items():
            env = os.environ.get(ENV_PREFIX + name.upper())
            if env is not None:
                values[name] = _from_text(field.annotation, env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def month_dir(self, key: str) -> Path:
        """The landing folder of a report month, or of a day (YYYY-MM-DD: daily/...)."""
        from orchestration.lib.partitions import Snapshot

        return Path(self.landing_dir) / Snapshot(key).folder

    @property
    def analyst_copy_path(self) -> Path:
        if self.analytics_path:
            return Path(self.analytics_path)
        return Path(self.warehouse_path).resolve().with_name("analytics.duckdb")

    def for_days(self) -> Self:
        """The same configuration pointed at the daily route's warehouse."""
        daily = self.daily_warehouse_path or str(
            Path(self.warehouse_path).resolve().with_name("daily_warehouse.duckdb")
        )
        return self.replaced(warehouse_path=daily)

    def replaced(self, **values) -> Self:
        """A copy with these fields changed. Not model_copy: Dagster builds a run's
        resource from the values it was constructed with, which model_copy leaves as
        they were."""
        return type(self)(**{**self.model_dump(), **values})

    @property
    def decisions_path(self) -> Path:
        return Path(self.landing_dir) / "reviews" / "decisions.csv"


def _from_text(annotation, text: str):
    """An environment variable's text as the field's type (a list: comma-separated)."""
    if annotation in (int, float):
        return annotation(text)
    if annotation == list[float]:
        return [float(part) for part in text.split(",")]
    if annotation == dict[str, str]:
        pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("expected office=address pairs separated by commas")
        return {key.strip(): value.strip() for key, value in pairs}
    return text
