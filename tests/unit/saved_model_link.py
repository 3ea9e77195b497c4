"""`linkages link` with the saved model on hand-built records, for the tests."""

import pandas as pd

from matching.model import MODEL_PATH
from matching.standardize import PERSON_COLUMNS
from orchestration.cli import main


def every_blocked_pair(tmp_path, left, right) -> pd.DataFrame:
    """Every pair the saved model's blocking brings together, however low it
    scores. `left` and `right`: rows of PERSON_COLUMNS."""
    pd.DataFrame(left, columns=PERSON_COLUMNS).to_csv(tmp_path / "l.csv", index=False)
    pd.DataFrame(right, columns=PERSON_COLUMNS).to_csv(tmp_path / "r.csv", index=False)
    out = tmp_path / "pairs.csv"
    args = ["link", str(tmp_path / "l.csv"), str(tmp_path / "r.csv"), "--out", str(out)]
    assert main([*args, "--model", str(MODEL_PATH), "--floor", "0.0"]) == 0
    return pd.read_csv(out, dtype={"left_record_id": str, "right_record_id": str})


def linked_pairs(pairs: pd.DataFrame) -> list[tuple[str, str]]:
    """(left record id, right record id) of each pair `linkages link` linked, sorted."""
    linked = pairs.loc[pairs["is_match"], ["left_record_id", "right_record_id"]]
    return sorted(map(tuple, linked.values.tolist()))
