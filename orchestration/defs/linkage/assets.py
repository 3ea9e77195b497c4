"""Person linkage for the month: pairs, links, review queue, stable keys."""

from pathlib import Path

import dagster as dg
import pandas as pd

from matching.keys import assign_keys, clusters, key_edges
from matching.links import (
    CALWORKS,
    CWS,
    MonthLinkage,
    link_month,
    month_households,
    month_records,
)
from matching.model import load_model
from matching.people import CALWORKS_PEOPLE, create_calworks_people
from matching.quality import (
    QA,
    REVIEW_BAND,
    estimated_false_links,
    link_quality,
    month_verdicts,
    qa_sample,
)
from matching.review import DecisionFileError, load_decisions
from orchestration.defs.ingest.assets import raw_key
from orchestration.lib.catalog import LINKAGE_GROUP, OWNERS
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import ONE_MONTH_PER_RUN, Snapshot
from orchestration.lib.privacy import keyed_hashes, pseudonym
from orchestration.lib.warehouse import WAREHOUSE_POOL, open_warehouse, scalar

PERSON_LINKS = dg.AssetKey(["linkage", "person_links"])
PERSON_KEYS = dg.AssetKey(["linkage", "person_keys"])
PERSON_LINK_MODEL = dg.AssetKey(["linkage", "person_link_model"])
REVIEW_QUEUE = dg.AssetKey(["linkage", "review_queue"])
LINK_QUALITY = dg.AssetKey(["linkage", "link_quality"])
CALWORKS_PEOPLE_KEY = dg.AssetKey(CALWORKS_PEOPLE.split("."))


def _previous_keys(con, month: str) -> pd.DataFrame:
    if not con.table_exists("linkage", "person_keys"):
        return pd.DataFrame(columns=["system", "record_id", "person_key"])
    # the latest key each record held in any month before this one
    return con.execute(
        """select system, record_id, person_key from (
             select system, record_id, person_key,
                    row_number() over (partition by system, record_id order by report_month desc) as nth
             from linkage.person_keys where report_month < $m) as keys
           where nth = 1""",
        {"m": month},
    ).df()


def _write(con, month: str, tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        con.replace_month_frame(f"linkage.{name}", month, frame)


def score_bands(pairs: pd.DataFrame, edges: list[float]) -> dict[str, int]:
    """Cross-system pairs by score, for the trend plots the UI draws of each number:
    one band from each of the configured edges up to the next, the last up to 1."""
    cross = pairs.loc[
        pairs["source_dataset_l"] != pairs["source_dataset_r"], "match_probability"
    ]
    bands = zip(edges, [*edges[1:], 1.0], strict=True)
    return {
        f"pairs scored {lo:.2f}-{hi:.2f}": int(
            (cross >= lo).sum() if hi == 1.0 else cross.between(lo, hi, "left").sum()
        )
        for lo, hi in bands
    }


def review_preview(queue: pd.DataFrame, rows: int = 5) -> str:
    """The first pairs awaiting review, ids as keyed pseudonyms: no personal data.
    QA pairs are left out: they are blind, and their scores are the links'."""
    if "sample" in queue:
        queue = queue.loc[queue["sample"] != QA]
    top = queue.sort_values("match_probability", ascending=False).head(rows)
    lines = [
        "| CalWORKs person (hashed) | CWS client (hashed) | probability |",
        "|---|---|---|",
    ]
    for row in top.itertuples():
        lines.append(
            f"| {pseudonym(row.calworks_person_id)} | {pseudonym(row.cws_client_id)} "
            f"| {row.match_probability:.3f} |"
        )
    return "\n".join(lines)


def build_calworks_people(
    partitions: dg.PartitionsDefinition,
) -> dg.AssetsDefinition:
    @dg.asset(
        key=CALWORKS_PEOPLE_KEY,
        group_name=LINKAGE_GROUP,
        owners=OWNERS,
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        deps=[raw_key("calworks_persons"), raw_key("calworks_cases")],
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description="One row per CalSAWS person and month: the record of their first case, "
        "with the address of the first of their cases on file (a view over raw, "
        "matching/people.py). The linkage, the review queue and the office exports read it.",
    )
    def calworks_people(
        context: dg.AssetExecutionContext, config: PipelineConfig
    ) -> dg.MaterializeResult:
        with open_warehouse(config) as con:
            create_calworks_people(con)
            people = scalar(
                con,
                f"select count(*) from {CALWORKS_PEOPLE} where report_month = ?",
                [Snapshot(context.partition_key).report_month],
            )
        return dg.MaterializeResult(metadata={"calworks_people": people})

    return calworks_people


def person_link_model_spec() -> dg.AssetSpec:
    """The saved model is trained offline (`linkages train`), not each month: an
    asset the monthly job reads and never builds. Each training is recorded on it
    (record_training), with Splink's charts of the model."""
    return dg.AssetSpec(
        PERSON_LINK_MODEL,
        group_name=LINKAGE_GROUP,
        owners=OWNERS,
        kinds={"splink"},
        description="The linkage model (matching/models/person_link.json), estimated by "
        "`linkages train` on a landed month. Each training is recorded here with Splink's "
        "match-weights and m/u parameter charts.",
    )


def record_training(instance, model_path: Path, charts: dict, plan: dict) -> None:
    """A materialization of the model asset in Dagster's instance, as the UI shows
    it: what was compared, the passes, and the charts (no data: charts.py)."""
    from matching.charts import charts_metadata

    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            asset_key=PERSON_LINK_MODEL,
            metadata={
                "model_file": dg.MetadataValue.path(str(model_path)),
                "comparisons": ", ".join(plan["comparisons"]),
                "em_passes": len(plan["passes"]),
                **charts_metadata(charts),
            },
        )
    )


# what the linkage reads: the model, the people, and the families they belong to
LINKAGE_READS = [
    PERSON_LINK_MODEL,
    CALWORKS_PEOPLE_KEY,
    *(
        raw_key(name)
        for name in (
            "calworks_persons",
            "calworks_cases",
            "cws_clients",
            "cws_case_participants",
            "cws_allegations",
        )
    ),
]


def _own_key(context: dg.AssetExecutionContext, key: dg.AssetKey) -> dg.AssetKey:
    """`key` as this graph names it (the daily route puts every key under daily/)."""
    return next(
        k for k in context.assets_def.keys if k.path[-len(key.path) :] == key.path
    )


def build_person_links(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    common = {
        "group_name": LINKAGE_GROUP,
        "owners": OWNERS,
        "kinds": {"splink", "duckdb"},
    }
    links = dg.AssetSpec(
        PERSON_LINKS,
        deps=LINKAGE_READS,
        description="CalWORKs persons linked to CWS clients with the saved Splink model "
        "(matching/models/person_link.json), then within families already linked, reviewer "
        "decisions applied. Also writes linkage.person_pairs. Its metadata: counts, "
        "rates and the precision measured by the month's QA verdicts.",
        **common,
    )
    keys_spec = dg.AssetSpec(
        PERSON_KEYS,
        deps=[PERSON_LINKS],
        description="Every record's stable person key and its keyed hash (the only person id "
        "analysts see), and linkage.person_key_events (merges, splits) for the month.",
        **common,
    )

    queue_spec = dg.AssetSpec(
        REVIEW_QUEUE,
        deps=[PERSON_LINKS],
        description="Pairs for clerical review: the review band (between the review floor "
        "and the auto-match threshold, undecided or UNSURE) and the month's blind QA sample "
        "of links (sample = QA, with its stratum). The review page reads it.",
        **common,
    )
    quality_spec = dg.AssetSpec(
        LINK_QUALITY,
        deps=[REVIEW_QUEUE],
        description="Precision of each stratum of links (auto or household link x score "
        "band) from the QA verdicts made in the month, with its 95% Wilson interval "
        "(matching/quality.py).",
        **common,
    )

    @dg.multi_asset(
        specs=[links, keys_spec, queue_spec, quality_spec],
        partitions_def=partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        pool=WAREHOUSE_POOL,
        name="person_linkage",
    )
    def person_linkage(context: dg.AssetExecutionContext, config: PipelineConfig):
        snapshot = Snapshot(context.partition_key)
        month = snapshot.report_month
        try:
            decisions = load_decisions(config.decisions_path, as_of=snapshot.as_of)
        except DecisionFileError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        model = load_model(Path(config.model_path))
        with open_warehouse(config) as con:
            records = month_records(con, month)
            households = month_households(con, month)
            engine = con.splink_engine
        # the warehouse let go while Splink works: DuckDB keeps what it allocated
        # to read the month until its connection closes (0.3 GiB at state size)
        result = link_month(
            records,
            model,
            decisions,
            config.auto_match_threshold,
            config.review_floor,
            households,
            config.household_floor,
            engine,
        )
        with open_warehouse(config) as con:
            keys, events = _person_keys(con, month, records, result, config)
            queue = _queue_with_qa(result, decisions, config, month)
            quality = link_quality(
                month_verdicts(_earlier_qa(con, month), decisions, month)
            )
            _write(
                con,
                month,
                {
                    "person_pairs": result.pairs,
                    "person_links": result.links,
                    "review_queue": queue,
                    "person_keys": keys,
                    "person_key_events": events,
                    "link_quality": quality,
                },
            )
        metadata = _links_metadata(records, result, config)
        metadata.update(_quality_metadata(queue, quality, result.links, config))
        yield dg.MaterializeResult(
            asset_key=_own_key(context, PERSON_LINKS), metadata=metadata
        )
        yield dg.MaterializeResult(
            asset_key=_own_key(context, REVIEW_QUEUE),
            metadata={
                "review_band": int((queue["sample"] == REVIEW_BAND).sum()),
                "qa_sample": int((queue["sample"] == QA).sum()),
            },
        )
        yield dg.MaterializeResult(
            asset_key=_own_key(context, LINK_QUALITY),
            metadata={"strata_measured": len(quality)},
        )
        yield dg.MaterializeResult(
            asset_key=_own_key(context, PERSON_KEYS),
            metadata={
                "person_keys": int(keys["person_key"].nunique()),
                "key_merges": int((events["event"] == "MERGE").sum()),
                "key_splits": int((events["event"] == "SPLIT").sum()),
            },
        )

    return person_linkage


def _queue_with_qa(
    result: MonthLinkage, decisions: pd.DataFrame, config, month: str
) -> pd.DataFrame:
    """The review band, then the month's QA sample of links (quality.py), marked
    by `sample`; QA pairs carry their stratum, and the review page hides their
    scores."""
    sample = qa_sample(
        result.linked_pairs,
        decisions,
        config.score_band_edges,
        config.qa_sample_per_band,
        month,
    )
    band = result.review_queue.assign(sample=REVIEW_BAND)
    return pd.concat([band, sample], ignore_index=True).reindex(
        columns=[*band.columns, "link_basis", "score_band", "band_low", "band_high"]
    )


def _earlier_qa(con, month: str) -> pd.DataFrame:
    """The QA pairs of earlier months' queues, with the stratum each was drawn from."""
    columns = ["report_month", "calworks_person_id", "cws_client_id"]
    columns += ["score_band", "link_basis", "band_low", "band_high"]
    # the columns from an empty select: `describe` is not PostgreSQL's
    if not con.table_exists("linkage", "review_queue") or "sample" not in set(
        con.execute("select * from linkage.review_queue limit 0").df().columns
    ):
        return pd.DataFrame(columns=columns)
    return con.execute(
        f"select {', '.join(columns)} from linkage.review_queue "
        "where sample = $qa and report_month < $m",
        {"qa": QA, "m": month},
    ).df()


def _quality_metadata(
    queue: pd.DataFrame, quality: pd.DataFrame, links: pd.DataFrame, config
) -> dict:
    """Precision per stratum from this month's QA verdicts, with its 95% Wilson
    interval, and the links expected to be false: numbers the UI plots by month."""
    out: dict = {
        "qa_sample": int((queue["sample"] == QA).sum()),
        "qa_pairs_decided": int(quality["qa_pairs_decided"].sum()),
        "estimated_false_links": round(
            estimated_false_links(links, quality, config.score_band_edges), 2
        ),
    }
    for row in quality.itertuples():
        out[f"precision {row.score_band}"] = round(row.precision, 4)
        out[f"precision {row.score_band} (95% low)"] = round(row.precision_low, 4)
        out[f"precision {row.score_band} (95% high)"] = round(row.precision_high, 4)
    return out


def _person_keys(
    con, month: str, records: dict[str, pd.DataFrame], result: MonthLinkage, config
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every record's stable key (carried on from earlier months) and its keyed hash,
    and the month's merges and splits."""
    everyone = pd.concat(
        [
            pd.DataFrame({"system": name, "record_id": df["record_id"]})
            for name, df in records.items()
        ],
        ignore_index=True,
    )
    keys, events = assign_keys(
        everyone,
        clusters(
            everyone,
            key_edges(result.pairs, result.links, config.auto_match_threshold),
        ),
        _previous_keys(con, month),
    )
    keys["person_hash"] = keyed_hashes(keys["person_key"])
    return keys, events


def _links_metadata(
    records: dict[str, pd.DataFrame], result: MonthLinkage, config
) -> dict:
    """Counts and rates only: the UI plots each number over the months."""
    n_cws = len(records[CWS])
    basis = result.links["link_basis"]
    return {
        "calworks_records": len(records[CALWORKS]),
        "cws_records": n_cws,
        "pairs_scored": len(result.pairs),
        "links": len(result.links),
        "links_by_reviewer": int((basis == "REVIEWER").sum()),
        "links_by_household": int((basis == "HOUSEHOLD").sum()),
        "review_queue": len(result.review_queue),  # the review band; QA pairs apart
        "cws_clients_linked_rate": round(
            result.links["cws_client_id"].nunique() / max(n_cws, 1), 4
        ),
        # a birth date or SSN standing in for an unknown one is read as missing
        # (matching/standardize.py): a count that jumps says a system began keying one
        **{
            f"{name}_{field}_stand_ins": count
            for name in (CALWORKS, CWS)
            for field, count in result.stand_ins[name].items()
        },
        **score_bands(result.pairs, config.score_band_edges),
        "auto_match_threshold": config.auto_match_threshold,
        "review_floor": config.review_floor,
        "review_queue_preview": dg.MetadataValue.md(
            review_preview(result.review_queue)
        ),
    }
