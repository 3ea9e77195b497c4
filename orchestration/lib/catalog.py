"""How assets appear in the Dagster UI: one group per pipeline layer, one owning team."""

INGEST_GROUP = "ingest"
LINKAGE_GROUP = "linkage"
STAGING_GROUP = "staging"
LISTS_GROUP = "lists"
OUTCOMES_GROUP = "outcomes"
EXPORTS_GROUP = "exports"
REPORT_GROUP = "report"

# the county analytics unit runs the pipeline and answers for its data
OWNERS = ["team:county-analytics"]
