"""The blocking gate on the month's links (GX over frames read from DuckDB)."""

import dagster as dg
import great_expectations.expectations as gxe
import pandas as pd

from expectations.runner import validate
from orchestration.defs.linkage.assets import PERSON_LINKS
from orchestration.lib.config import PipelineConfig
from orchestration.lib.partitions import Snapshot, previous_month
from orchestration.lib.warehouse import open_warehouse

LINKAGE_GATE = "linkage_gate"


def _inputs(con, month: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    links = con.execute(
        "select match_probability from linkage.person_links where report_month = ? and link_basis = 'MODEL'",
        [month],
    ).df()
    sizes = con.execute(
        "select count(*) as records from linkage.person_keys where report_month = ? group by person_key",
        [month],
    ).df()
    rates = con.execute(
        """select l.report_month, count(distinct l.cws_client_id) / any_value(c.n) as rate
           from linkage.person_links l
           join (select report_month, count(*) as n from raw.cws_clients
                 where report_month in ($m, $prev) group by 1) c using (report_month)
           where l.report_month in ($m, $prev) group by 1""",
        {"m": month, "prev": previous_month(month)},
    ).df()
    return links, sizes, rates


def build_linkage_gate(
    partitions: dg.PartitionsDefinition, config: PipelineConfig
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=PERSON_LINKS,
        name=LINKAGE_GATE,
        blocking=True,
        partitions_def=partitions,
        description="Probabilities in [0, 1]; no person key over"
        f" {config.max_cluster_size} records; the share of CWS clients linked within"
        f" {config.max_link_rate_change:.0%} of last month's.",
    )
    def linkage_gate(
        context: dg.AssetCheckExecutionContext, config: PipelineConfig
    ) -> dg.AssetCheckResult:
        month = Snapshot(context.partition_key).report_month
        with open_warehouse(config, read_only=True) as con:
            links, sizes, rates = _inputs(con, month)
        results = [
            validate(
                links,
                "person_links_probability",
                [
                    gxe.ExpectColumnValuesToBeBetween(
                        column="match_probability",
                        min_value=0,
                        max_value=1,
                        meta={"rule": "match probability outside [0, 1]"},
                    )
                ],
            ),
            validate(
                sizes,
                "person_key_cluster_size",
                [
                    gxe.ExpectColumnValuesToBeBetween(
                        column="records",
                        max_value=config.max_cluster_size,
                        meta={
                            "rule": f"a person key spans more than {config.max_cluster_size} records"
                        },
                    )
                ],
            ),
        ]
        rate = rates.set_index("report_month")["rate"]
        previous = previous_month(month)
        if previous in rate.index and month in rate.index and rate[previous] > 0:
            band = config.max_link_rate_change
            lo, hi = rate[previous] * (1 - band), rate[previous] * (1 + band)
            results.append(
                validate(
                    rates.loc[rates["report_month"] == month],
                    "link_rate_band",
                    [
                        gxe.ExpectColumnValuesToBeBetween(
                            column="rate",
                            min_value=lo,
                            max_value=hi,
                            meta={
                                "rule": f"share of CWS clients linked moved more than {band:.0%} from last month"
                            },
                        )
                    ],
                )
            )
        failures = [f for r in results for f in r.failures]
        return dg.AssetCheckResult(
            passed=not failures,
            metadata={
                "links_checked": len(links),
                "largest_cluster": int(sizes["records"].max()) if len(sizes) else 0,
                "cws_clients_linked_rate": round(float(rate.get(month, 0.0)), 4),
                "failed_expectations": "\n".join(failures) or "none",
            },
        )

    return linkage_gate
