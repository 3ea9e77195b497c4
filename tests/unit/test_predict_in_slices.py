"""A large input is scored in slices (Splink's chunked predict): the same pairs,
the same probabilities, as all at once."""

import pandas as pd
from splink.internals.linker_components.inference import LinkerInference

import matching.model as model_module
from matching.model import chunks, load_model, predict
from matching.standardize import standardize


def _people() -> dict[str, pd.DataFrame]:
    # twelve people in CalWORKs; ten of them in CWS, three with a slip each
    first = ["ANA", "LUIS", "MARIA", "JOSE", "ROSA", "JUAN", "EVA", "PAUL", "RUTH"]
    first += ["OMAR", "IRMA", "DAVID"]
    left = pd.DataFrame(
        {
            "record_id": [f"P{i}" for i in range(12)],
            "first_name": first,
            "last_name": ["GARCIA", "LOPEZ", "NGUYEN", "KIM"] * 3,
            "date_of_birth": [f"19{80 + i}-0{1 + i % 9}-1{i % 10}" for i in range(12)],
            "sex": ["F", "M", "F", "M", "F", "M", "F", "M", "F", "M", "F", "M"],
            "zip": ["93701", "93702"] * 6,
        }
    )
    right = left.iloc[:10].copy()
    right["record_id"] = [f"C{i}" for i in range(10)]
    right.loc[0, "first_name"] = "ANNA"  # a spelling
    right.loc[1, "date_of_birth"] = "1981-02-12"  # a day off
    right.loc[2, "last_name"] = "NGUYENN"  # a typo
    return {
        "calworks": standardize(left, "calworks"),
        "cws": standardize(right, "cws"),
    }


def test_slices_follow_the_record_count(monkeypatch):
    # up to ONE_SLICE records in one slice; above it, slices of at most 4 records
    monkeypatch.setattr(model_module, "ONE_SLICE", 5)
    monkeypatch.setattr(model_module, "RECORDS_PER_CHUNK", 4)
    assert [chunks(n) for n in (0, 1, 5, 6, 12, 13)] == [1, 1, 1, 2, 3, 4]
    assert chunks(13, "spark") == 1  # Spark spreads the work itself


def test_scoring_in_slices_gives_the_pairs_scored_at_once(monkeypatch):
    frames, model = _people(), load_model()
    whole = predict(frames, model, 0.0)
    # 12 CalWORKs records in 4 slices of at most 3, 10 CWS records in 4 of at most 3
    monkeypatch.setattr(model_module, "ONE_SLICE", 3)
    monkeypatch.setattr(model_module, "RECORDS_PER_CHUNK", 3)
    assert (chunks(12), chunks(10)) == (4, 4)
    slices = []
    scored_slice = LinkerInference._predict_chunk

    def counted(self, *args, **kwargs):
        slices.append((kwargs["left_chunk"], kwargs["right_chunk"]))
        return scored_slice(self, *args, **kwargs)

    monkeypatch.setattr(LinkerInference, "_predict_chunk", counted)
    sliced = predict(frames, model, 0.0)
    assert len(slices) == 16 and ((4, 4), (4, 4)) in slices
    assert len(whole) >= 10  # every true pair is blocked, and a few others
    pd.testing.assert_frame_equal(sliced, whole)


def test_every_comparison_level_is_kept_whatever_the_model_file_says():
    # Splink writes the levels (gamma_*) only beside both records' fields: a model
    # file saying not to keep the fields must not leave the relatives' guard with no
    # level to read
    frames, model = _people(), load_model()
    model["retain_matching_columns"] = False
    pairs = predict(frames, model, 0.0)
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    assert {"gamma_first_name", "gamma_dob"} <= set(gammas)
    assert pairs[gammas].notna().all().all()
