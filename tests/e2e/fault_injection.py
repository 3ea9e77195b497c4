"""`linkages` with a kill planted in one stage, for tests/e2e/test_faults.py:

    python -m tests.e2e.fault_injection linkage|dbt|exports|none  run --landing ... --month ...

The kill is SIGKILL to the whole process group (the run, dbt inside it):
nothing gets to clean up, as in a power cut or an out-of-memory kill.
"""

import os
import signal
import sys


def die() -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


def in_linkage() -> None:
    """After the month's pairs and links are written, before its queue and keys."""
    from orchestration.lib import warehouse

    original = warehouse.replace_month

    def replace_then_die(con, table, month, relation):
        original(con, table, month, relation)
        if table == "linkage.person_links":
            die()

    warehouse.replace_month = replace_then_die


def in_dbt() -> None:
    """When dbt reports its first list mart built: the others and the outcome marts not yet."""
    from dbt.cli import main as dbt_main

    original = dbt_main.dbtRunner.__init__

    def die_after_homeless(msg) -> None:
        if msg.info.name == "LogModelResult" and msg.data.node_info.unique_id.endswith(
            ".match_list_homeless"
        ):
            die()

    def with_kill(self, manifest=None, callbacks=None):
        original(self, manifest, [*(callbacks or []), die_after_homeless])

    dbt_main.dbtRunner.__init__ = with_kill


def in_exports() -> None:
    """After the third file of the month's exports is written."""
    from orchestration.defs.delivery import export

    original = export._write_private
    written = []

    def write_then_die(path, data):
        digest = original(path, data)
        written.append(path)
        if len(written) == 3:
            die()
        return digest

    export._write_private = write_then_die


PLANTS = {
    "linkage": in_linkage,
    "dbt": in_dbt,
    "exports": in_exports,
    "none": lambda: None,
}

if __name__ == "__main__":
    from orchestration.cli import main

    PLANTS[sys.argv[1]]()
    sys.exit(main(sys.argv[2:]))
