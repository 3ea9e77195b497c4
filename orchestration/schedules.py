"""The monthly schedule: on the 3rd at 06:00 Pacific, run the month that just ended."""

import dagster as dg

from orchestration.lib.partitions import month_of, previous_month

SCHEDULE_NAME = "monthly_on_the_3rd"
TIMEZONE = "America/Los_Angeles"


def report_month_for(when) -> str:
    """The report month a run at `when` is for: the calendar month before it."""
    return previous_month(month_of(when))


def monthly_schedule(job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=SCHEDULE_NAME,
        job=job,
        cron_schedule="0 6 3 * *",
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Extracts land in the first days of the month; the 3rd at 06:00 Pacific "
        "runs the month that just ended (its partition).",
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        month = report_month_for(context.scheduled_execution_time)
        # one run per month whoever triggers it: the landing sensor may have run it already
        return dg.RunRequest(run_key=f"schedule:{month}", partition_key=month)

    return _schedule
