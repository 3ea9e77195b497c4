"""Every asset key, its group and kinds, every asset check, job, schedule and
sensor, against a committed plain-text snapshot: a rename, a new asset or a
check that moved shows in review as a diff of tests/unit/snapshots/asset_graph.txt.

After an intended change, rewrite the snapshot and commit it with the change:

    LINKAGES_UPDATE_SNAPSHOTS=1 pytest tests/unit/test_asset_graph_snapshot.py
"""

import os
from pathlib import Path

from orchestration.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"
UPDATE_ENV = "LINKAGES_UPDATE_SNAPSHOTS"


def graph_lines() -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys()):
        node = graph.get(key)
        kinds = ",".join(sorted(node.kinds)) or "-"
        lines.append(
            f"asset {key.to_user_string()}  group={node.group_name}  kinds={kinds}"
        )
    for check in sorted(graph.asset_check_keys):
        blocking = "blocking" if graph.get(check).blocking else "non-blocking"
        lines.append(
            f"check {check.asset_key.to_user_string()}:{check.name}  {blocking}"
        )
    lines += [f"job {job.name}" for job in defs.jobs or []]
    lines += [f"schedule {s.name}" for s in defs.schedules or []]
    lines += [f"sensor {s.name}" for s in defs.sensors or []]
    return lines


def test_the_asset_graph_matches_its_snapshot():
    now = "\n".join(graph_lines()) + "\n"
    if os.environ.get(UPDATE_ENV):
        SNAPSHOT.write_text(now)
    before = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    if now != before:
        old, new = set(before.splitlines()), set(now.splitlines())
        diff = [f"- {line}" for line in sorted(old - new)]
        diff += [f"+ {line}" for line in sorted(new - old)]
        raise AssertionError(
            f"the asset graph differs from {SNAPSHOT.name} "
            f"(- snapshot only, + graph only):\n" + "\n".join(diff[:80]) + "\n"
            f"if the change is intended: {UPDATE_ENV}=1 pytest {Path(__file__).name}"
            ", then commit the snapshot"
        )
