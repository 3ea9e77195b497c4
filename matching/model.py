"""Train the person-linkage model, and score pairs with a saved one.

Both take standardized frames (`standardize.standardize`) keyed by dataset
name. The model file is plain Splink JSON: reviewed in git, loaded as-is for
every monthly predict, so the same input gives the same links.
"""

from __future__ import annotations

import copy
import json
import logging
import math
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.exceptions import EMTrainingException

from matching.arrow import arrow_table
from matching.settings import (
    COMPARISON_COLUMNS,
    COMPARISON_READS,
    CROSSED_NAME_JOINS,
    CROSSED_NAME_LEVELS,
    DETERMINISTIC_RULES,
    TRAINING_BLOCKS,
    settings,
)
from matching.standardize import LIST_COLUMNS

MODEL_PATH = Path(__file__).parent / "models" / "person_link.json"
# Splink logs its progress at INFO, which includes SQL but no values; keep it quiet
logging.getLogger("splink").setLevel(logging.WARNING)


ENGINES = ("duckdb", "spark")


def _backend(frames: dict[str, pd.DataFrame | pa.Table], engine: str):
    """Splink's backend and its input tables, from standardized records as pandas
    or Arrow. Arrow with every all-empty column typed as text: a file with no SSN at
    all must still give the SSN comparison a string column, not an untyped NULL.
    DuckDB: a new in-memory database and the Arrow tables. Spark: the process's
    session (orchestration.lib.spark made it, with Splink's similarity UDF jar) and
    DataFrames built from the Arrow, since Splink's own pandas conversion turns a
    column with no value this month into Spark's untypeable VOID; the session still
    holds the input views of the last predict (Splink names them after the
    datasets), so they are dropped first."""
    tables = {}
    for name, frame in frames.items():
        table = arrow_table(frame, LIST_COLUMNS)
        if "source_dataset" in table.column_names:
            table = table.drop_columns(["source_dataset"])
        tables[name] = table
    if engine == "duckdb":
        return DuckDBAPI(connection=duckdb.connect()), tables
    if engine != "spark":
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    from pyspark.sql import SparkSession
    from splink.backends.spark import SparkAPI

    spark = SparkSession.builder.getOrCreate()
    for name in tables:
        spark.catalog.dropTempView(name)
    return SparkAPI(spark_session=spark), {
        n: spark.createDataFrame(table) for n, table in tables.items()
    }


def _linker(frames: dict[str, pd.DataFrame | pa.Table], model, engine: str = "duckdb"):
    return _linker_and_tables(frames, model, engine)[0]


def _linker_and_tables(
    frames: dict[str, pd.DataFrame | pa.Table], model, engine: str = "duckdb"
):
    db, inputs = _backend(frames, engine)
    if (
        isinstance(model, dict)
        and model.get("comparisons")
        and engine != model.get("sql_dialect", engine)
    ):
        model = in_dialect(model, engine)
    tables = [db.register(df, dataset_display_name=name) for name, df in inputs.items()]
    # Splink's settings validation parses every level's SQL with sqlglot to log
    # columns it cannot find (a second or more per linker, three linkers a run);
    # ours come from settings.py over standardize's columns, and a model that
    # names another column fails in its SQL anyway
    linker = Linker(
        tables if len(tables) > 1 else tables[0],
        model,
        log_level=logging.WARNING,
        validate_settings=False,
    )
    return linker, tables


def in_dialect(model: dict, dialect: str) -> dict:
    """The saved model with its comparisons' SQL as Splink writes it for another
    backend. The saved SQL is DuckDB's, rendered from matching/settings.py's
    comparisons: the same comparisons rendered for `dialect`, level by level,
    take over the trained parameters unchanged. (The blocking rules name their
    dialect and Splink translates them itself.)"""
    ours = {
        c.output_column_name: c
        for c in settings().get_settings(model["sql_dialect"]).comparisons
    }
    theirs = {
        c.output_column_name: c for c in settings().get_settings(dialect).comparisons
    }
    out = copy.deepcopy(model)
    for comparison in out["comparisons"]:
        name = comparison["output_column_name"]
        saved = [level["sql_condition"] for level in comparison["comparison_levels"]]
        if name not in ours or saved != [
            level.sql_condition for level in ours[name].comparison_levels
        ]:
            raise ValueError(
                f"the model's comparison {name!r} is not matching/settings.py's: it cannot be "
                f"rendered for {dialect}; retrain it (`linkages train`)"
            )
        for level, other in zip(
            comparison["comparison_levels"], theirs[name].comparison_levels, strict=True
        ):
            level["sql_condition"] = other.sql_condition
    out["sql_dialect"] = dialect
    return out


class TrainingError(ValueError):
    """The inputs cannot give a model; the message says why in one line."""


# a column takes part when each input has at least this many values in it
MIN_VALUES = 20
# an EM pass needs this many pairs to estimate anything; fewer and it is skipped
MIN_EM_PAIRS = 100
# below this many records on the smaller side, nothing can be estimated well:
# `linkages link` scores with the shipped model instead
MIN_RECORDS_TO_TRAIN = 200


def usable_columns(frames: dict[str, pd.DataFrame]) -> set[str]:
    """The compared columns that every input carries (MIN_VALUES or more)."""
    columns = {c for cols in COMPARISON_COLUMNS.values() for c in cols}
    return {
        c
        for c in columns
        if all(c in df and df[c].notna().sum() >= MIN_VALUES for df in frames.values())
    }


def _pair_counts(tables, rules: list, link_type: str) -> list[int]:
    """Splink's own count of the comparisons each rule generates on its own."""
    return [
        count_comparisons_from_blocking_rules(
            tables,
            blocking_rules=[rule],
            link_type=link_type,
            record_sample_proportion=1.0,
        )[0]["marginal_comparison_count"]
        for rule in rules
    ]


def _deterministic_rules(tables, columns: set[str], link_type: str) -> list[tuple]:
    """The deterministic rules (settings.DETERMINISTIC_RULES) whose columns the
    inputs carry and that find at least one pair."""
    rules = [cols for cols in DETERMINISTIC_RULES if set(cols) <= columns]
    counts = _pair_counts(tables, [block_on(*cols) for cols in rules], link_type)
    return [cols for cols, n in zip(rules, counts, strict=True) if n > 0]


# the share of true pairs the deterministic rules are taken to find, for the prior
DETERMINISTIC_RECALL = 0.8


def with_prior_of(frames: dict[str, pd.DataFrame], model: dict) -> dict:
    """`model` with the prior (the probability that two random records match) of
    these two inputs, estimated as training does (the deterministic rules they can
    answer, DETERMINISTIC_RECALL); unchanged when no rule finds a pair. A saved
    model's prior is its training month's, one match in ~870,000 county pairs: two
    small files of mostly the same people hold one in ~10,000 (ACS x census, 74 x
    10,231), and scored with the county's prior a true pair with one first name
    missing and a birth date a digit off stayed at 0.61."""
    linker, tables = _linker_and_tables(frames, model)
    rules = _deterministic_rules(tables, usable_columns(frames), "link_only")
    if not rules:
        return model
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*cols) for cols in rules], recall=DETERMINISTIC_RECALL
    )
    return linker.misc.save_model_to_json()


def training_plan(
    frames: dict[str, pd.DataFrame], link_type: str = "link_only"
) -> dict:
    """What the inputs can train: the comparisons with values on every side, the
    deterministic rules that find at least one pair, and the EM passes (each with
    MIN_EM_PAIRS or more) until every comparison is estimated by one of them."""
    columns = usable_columns(frames)
    comparisons = [
        name for name, cols in COMPARISON_COLUMNS.items() if set(cols) & columns
    ]
    _, tables = _linker_and_tables(frames, settings(link_type, columns))
    deterministic = _deterministic_rules(tables, columns, link_type)
    passes, estimated = [], set()
    for cols in TRAINING_BLOCKS:
        frees = {
            name for name in comparisons if not set(COMPARISON_READS[name]) & set(cols)
        }
        if (
            not set(cols) <= columns or frees <= estimated
        ):  # cannot run, or adds nothing
            continue
        if _pair_counts(tables, [block_on(*cols)], link_type)[0] >= MIN_EM_PAIRS:
            passes.append(cols)
            estimated |= frees
    return {
        "columns": columns,
        "comparisons": comparisons,
        "deterministic": deterministic,
        "passes": passes,
        "not_estimated": sorted(set(comparisons) - estimated),
    }


def train(frames: dict[str, pd.DataFrame], **options) -> dict:
    """Estimate the model on these records; return it as a JSON-able dict.
    `options`: _trained's."""
    return _trained(frames, **options)[0]


def train_and_predict(
    frames: dict[str, pd.DataFrame], floor: float
) -> tuple[dict, pd.DataFrame]:
    """The model trained on these records (train) and every blocked pair scored
    with it at or above `floor` (predict). Training scores the blocked pairs once
    already (_u_among_non_matches); those scores are carried over to the final
    u where that gives exactly what a second scoring would (rescored): a second
    pass through Splink took 0.6-2 s of `linkages link` on the public sets."""
    model, first = _trained(frames)
    frequencies = (
        sum(len(df) for df in frames.values()) >= MIN_RECORDS_FOR_TERM_FREQUENCIES
    )
    again = rescored(*first, model, floor, frequencies) if first else None
    return model, again if again is not None else predict(frames, model, floor)


def _trained(
    frames: dict[str, pd.DataFrame],
    seed: int = 1,
    max_pairs: float = 1e6,
    link_type="link_only",
    start: dict | None = None,
    plan: dict | None = None,
) -> tuple[dict, tuple[pd.DataFrame, dict] | None]:
    """The model trained on these records, and the blocked pairs training scored
    at or above RESCORE_FLOOR with the model it had then (None: it scored none).
    What is estimated follows what the inputs carry (training_plan). `start`: a
    model whose m-values the estimation begins from (default the shipped one), so
    a comparison no pass can estimate keeps that model's values rather than
    Splink's defaults. `plan`: training_plan's answer, when the caller has it
    already (it counts pairs for every candidate rule). `link_type` may also be a
    whole SettingsCreator (benchmarks compare models)."""
    if plan is None:
        plan = training_plan(
            frames, "link_only" if not isinstance(link_type, str) else link_type
        )
    if not plan["comparisons"]:
        raise TrainingError(
            "no compared field (names, birth date, SSN, address) has values in both inputs"
        )
    ours = isinstance(link_type, str)
    if ours:
        model = settings(link_type, plan["columns"]).get_settings("duckdb").as_dict()
        model = _starting_from(model, start if start is not None else _shipped())
    else:
        model = link_type
    if ours and len(frames) == 2:
        model = u_by_random_sampling(frames, model, max_pairs, seed)
    linker = _linker(frames, model)
    if plan["deterministic"]:
        rules = [block_on(*cols) for cols in plan["deterministic"]]
        linker.training.estimate_probability_two_random_records_match(
            rules, recall=DETERMINISTIC_RECALL
        )
    if not (ours and len(frames) == 2):
        # one chunk: the declared-rare levels (an initial, one letter off) never
        # reach Splink's count for stopping early, so its ten chunks only add overhead
        linker.training.estimate_u_using_random_sampling(
            max_pairs=max_pairs, seed=seed, num_chunks=1
        )
    for cols in plan["passes"]:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), estimate_without_term_frequencies=True
            )
        except (
            EMTrainingException
        ):  # counted enough pairs, yet EM found nothing to learn
            continue
    model = linker.misc.save_model_to_json()
    # the project's model only: benchmarks train plain Splink here too, as Splink does
    if not ours:
        return model, None
    # as Arrow once: the scoring and the crossed-name count both read it (1.6 s
    # per conversion of a county month)
    tables = {name: arrow_table(df, LIST_COLUMNS) for name, df in frames.items()}
    scored = predict(tables, model, floor=RESCORE_FLOOR)
    return _u_among_non_matches(tables, model, max_pairs, scored), (scored, model)


def _both_sides(first: pa.Table) -> str:
    """Every column of l and r as Splink's comparison levels name them (c_l, c_r)."""
    return ", ".join(
        f'l."{c}" as "{c}_l", r."{c}" as "{c}_r"' for c in first.column_names
    )


def _level_case(levels: list[dict]) -> str:
    """The index of the first level whose condition a pair meets, as Splink orders them."""
    whens = " ".join(
        f"when {lv['sql_condition']} then {i}"
        for i, lv in enumerate(levels)
        if lv["sql_condition"] != "ELSE"
    )
    other = [i for i, lv in enumerate(levels) if lv["sql_condition"] == "ELSE"]
    return f"case {whens}{f' else {other[0]}' if other else ''} end"


# Splink's `proportion_sample_sql`: a record is in the sample when its id's hash,
# with the seed, falls in the lowest `proportion` of this many buckets
SAMPLE_BUCKETS = 1_000_000_000


def u_by_random_sampling(
    frames: dict[str, pd.DataFrame | pa.Table], model: dict, max_pairs: float, seed: int
) -> dict:
    """`model` with u of every level that is not declared (fix_u_probability) from
    about `max_pairs` random pairs, as Splink's estimate_u_using_random_sampling
    counts them: each side sampled by the same share of its records (by a hash of
    the id and the seed), every cross pair in the first level it meets, u = the
    level's share of the pairs not in the null level; a level no pair met keeps its
    u. The same sample and the same counts as Splink's (a test holds them equal).
    Splink 5 builds the sample's cross pairs once per comparison, list columns and
    all; one pass scoring every comparison took `linkages link` on W-2 x 1040 from
    7.7 to 6.5-6.9 s, the same pairs written (docs/benchmarks.md)."""
    names = sorted(frames)
    first, second = (arrow_table(frames[n], LIST_COLUMNS) for n in names)
    share = min(1.0, math.sqrt(max_pairs / max(1, first.num_rows * second.num_rows)))
    below = max(1, round(share * SAMPLE_BUCKETS))

    def sample(name: str) -> str:  # the records Splink's sample of `name` holds
        key = f"'{name}-__-' || cast(\"unique_id\" as varchar) || '_{int(seed)}'"
        return f"hash({key}) % {SAMPLE_BUCKETS} < {below}" if share < 1 else "true"

    comparisons = model["comparisons"]
    gammas = ", ".join(
        f"{_level_case(c['comparison_levels'])} as g{k}"
        for k, c in enumerate(comparisons)
    )
    con = duckdb.connect()
    con.register("first_input", first)
    con.register("second_input", second)
    counted = con.execute(
        f"with l as (select * from first_input where {sample(names[0])}),"
        f" r as (select * from second_input where {sample(names[1])})"
        f" select {gammas}, count(*) as n from ("
        f"select {_both_sides(first)} from l cross join r) group by all"
    ).df()
    con.close()
    model = copy.deepcopy(model)
    for k, comparison in enumerate(model["comparisons"]):
        levels = comparison["comparison_levels"]
        counts = counted.groupby(f"g{k}")["n"].sum()
        counts = counts[[not levels[i].get("is_null_level") for i in counts.index]]
        for i, n in counts.items():
            if not levels[i].get("fix_u_probability"):
                levels[i]["u_probability"] = float(n / counts.sum())
    return model


# the least probability of the pairs whose sum estimates the share of matches:
# below it a pair adds next to nothing
SHARE_FLOOR = 0.001
# training keeps the pairs it scores down to this, so that the final u can rescore
# them (rescored): on FEBRL1 a pair's weight can rise by up to 17 bits
RESCORE_FLOOR = 1e-6


def _u_among_non_matches(
    frames, model: dict, max_pairs: float, scored: pd.DataFrame
) -> dict:
    """Random sampling counts every pair it draws as two different people. Where
    the same people are a large share of all pairs (two small files of mostly the
    same people: FEBRL's 500 x 500 holds one match in 500 pairs), the matches it
    drew inflate u of every level they agree on -- a birth date's u 20 times its
    strangers' -- and a true pair with one field replaced scored below the
    threshold. So the model scores the blocked pairs once: their summed
    probability over all pairs is the share of matches, and each sampled u loses
    the matches' part, u = (u_sampled - share * m) / (1 - share), never below one
    pair in the sample. A county month's share is about 1e-6: u barely moves.
    The prior stays the deterministic rules' estimate: where files hold families
    the summed probability also counts relatives' partial scores (a county month's
    1.6e-6 against 1.25e-6 true), and as the prior it added 26 false links.
    `scored`: the blocked pairs scored with `model`."""
    probability = scored["match_probability"]
    share = float(probability[probability >= SHARE_FLOOR].sum()) / math.prod(
        len(df) for df in frames.values()
    )
    model = u_less_matches(model, share, smallest=1 / max_pairs)
    return _crossed_name_u(frames, model, share)


def rescored(
    scored: pd.DataFrame,
    before: dict,
    after: dict,
    floor: float,
    term_frequencies: bool,
) -> pd.DataFrame | None:
    """`scored` (the blocked pairs at or above RESCORE_FLOOR under `before`) with
    `after`'s weights, the pairs at or above `floor` -- what predict with `after`
    gives -- when `after` differs from `before` in u alone. A level's weight is
    log2(m / u), so a pair's weight moves by log2(u_before / u_after) of each of
    its levels; an exact name level with term frequencies weighs log2(m / tf),
    which u does not move. None when the models differ otherwise, or when a pair
    under RESCORE_FLOOR could rise to `floor` (it is not in `scored`): then score
    again. `term_frequencies`: whether the scoring used them (predict)."""
    moves = _weight_moves(before, after, term_frequencies)
    if moves is None:
        return None
    rise = sum(max([0.0, *m.values()]) for m in moves.values())
    if _bits(RESCORE_FLOOR) + rise >= _bits(floor):
        return None
    weight = scored["match_weight"].to_numpy(float).copy()
    for column, move in moves.items():
        weight += scored[column].map(move).fillna(0.0).to_numpy(float)
    out = scored.assign(match_weight=weight, match_probability=1 / (1 + 2.0**-weight))
    return out.loc[out["match_probability"] >= floor].reset_index(drop=True)


def levels_by_gamma(comparison: dict) -> dict[int, dict]:
    """A comparison's levels by the value a pair in them has in its gamma_ column:
    Splink numbers the levels after null (-1) from the top down to 0 ("else")."""
    levels = [
        lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")
    ]
    return dict(zip(range(len(levels) - 1, -1, -1), levels, strict=True))


def _bits(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def _weight_moves(before: dict, after: dict, tf: bool) -> dict | None:
    """gamma column -> {level: bits its weight moves}, or None when the models
    differ in more than u."""
    same = (
        "probability_two_random_records_match",
        "blocking_rules_to_generate_predictions",
    )
    if any(before.get(k) != after.get(k) for k in same):
        return None
    if len(before["comparisons"]) != len(after["comparisons"]):
        return None
    moves = {}
    for b, a in zip(before["comparisons"], after["comparisons"], strict=True):
        levels_b, levels_a = levels_by_gamma(b), levels_by_gamma(a)
        if levels_b.keys() != levels_a.keys():
            return None
        move = {}
        for gamma, lb in levels_b.items():
            la = levels_a[gamma]
            if {k: v for k, v in lb.items() if k != "u_probability"} != {
                k: v for k, v in la.items() if k != "u_probability"
            }:
                return None
            ub, ua = lb.get("u_probability"), la.get("u_probability")
            if ub == ua:
                continue
            if not (
                isinstance(ub, float) and isinstance(ua, float) and ub > 0 and ua > 0
            ):
                return None
            if tf and lb.get("tf_adjustment_column"):
                if lb.get("tf_adjustment_weight", 1.0) != 1.0:
                    return None
                continue  # log2(m / tf): u cancels
            move[gamma] = math.log2(ub / ua)
        moves[f"gamma_{b['output_column_name']}"] = move
    return moves


def u_less_matches(model: dict, share: float, smallest: float) -> dict:
    """`model` with each sampled u (levels whose u is declared stay) taken from a
    sample where `share` of the pairs were matches: (u - share * m) / (1 - share),
    not below `smallest` (or the sampled u, if lower) nor above 1."""
    if not 0 < share < 1:
        return model
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("fix_u_probability") or not (
                isinstance(m, float) and isinstance(u, float)
            ):
                continue
            level["u_probability"] = min(
                1.0, max((u - share * m) / (1 - share), min(u, smallest))
            )
    return model


# a declared u weighs as much as a count over this many pairs: a county month's
# 4e10 pairs outweigh it, two files of 500 records (2.5e5 pairs, where no two
# strangers are likely to show a swap) leave it nearly as declared
DECLARED_U_PAIRS = 1e8


def _crossed_name_u(
    frames: dict[str, pd.DataFrame | pa.Table], model: dict, share: float = 0.0
) -> dict:
    """The u of the crossed-name levels (settings.CROSSED_NAME_LEVELS) from every
    pair of the two files: the pairs with a first name in the other's surname field
    (two equi-joins), each in the first level of the first-name comparison it meets,
    as Splink would put it, less the matches' part (`share` of all pairs are
    matches, m of them in the level: FEBRL's duplicates hold swapped names).
    Declared, these levels said one pair in 10^8 and 10^7; a county month counted
    1.2e-7 and 2.4e-7 (given names that are also surnames: EDWARD THOMAS / THOMAS
    EDWARDS). The declared value is a prior worth DECLARED_U_PAIRS pairs."""
    names = [c["output_column_name"] for c in model["comparisons"]]
    if len(frames) != 2 or "first_name" not in names:
        return model
    model = copy.deepcopy(model)
    levels = model["comparisons"][names.index("first_name")]["comparison_levels"]
    counted = [
        i
        for i, lv in enumerate(levels)
        if lv.get("label_for_charts") in CROSSED_NAME_LEVELS
    ]
    if not counted:
        return model
    first, second = (arrow_table(frames[n], LIST_COLUMNS) for n in sorted(frames))
    con = duckdb.connect()
    con.register("l", first)
    con.register("r", second)
    both = _both_sides(first)
    one, other = CROSSED_NAME_JOINS
    rows = con.execute(
        f"select level, count(*) from (select {_level_case(levels)} as level from ("
        f"select {both} from l join r on {one} union all "
        f"select {both} from l join r on {other} and not coalesce({one}, false)"
        ")) group by level"
    ).fetchall()
    con.close()
    counts = {level: n for level, n in rows if level is not None}
    pairs = first.num_rows * second.num_rows
    for i in counted:
        declared, m = levels[i]["u_probability"], levels[i].get("m_probability")
        m = m if isinstance(m, float) else 0.0
        strangers = max(counts.get(i, 0) - share * m * pairs, 0.0)
        levels[i]["u_probability"] = (strangers + declared * DECLARED_U_PAIRS) / (
            pairs + DECLARED_U_PAIRS
        )
    return model


def _shipped() -> dict | None:
    return load_model(MODEL_PATH) if MODEL_PATH.exists() else None


def _starting_from(model: dict, start: dict | None) -> dict:
    """`model` with the m-values of `start`'s comparisons where their levels are the
    same (same SQL, level by level); other comparisons keep Splink's defaults."""
    if not start:
        return model
    known = {c["output_column_name"]: c for c in start.get("comparisons", [])}
    for comparison in model["comparisons"]:
        other = known.get(comparison["output_column_name"])
        levels = comparison["comparison_levels"]
        if not other or [lv["sql_condition"] for lv in levels] != [
            lv["sql_condition"] for lv in other["comparison_levels"]
        ]:
            continue
        for level, theirs in zip(levels, other["comparison_levels"], strict=True):
            if "m_probability" in theirs and not level.get("fix_m_probability"):
                level["m_probability"] = theirs["m_probability"]
    return model


def save_model(model: dict, path: Path = MODEL_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")
    return path


def load_model(path: Path = MODEL_PATH) -> dict:
    return json.loads(Path(path).read_text())


def write_current_blocking(path: Path = MODEL_PATH) -> Path:
    """Give a saved model settings.py's blocking rules. Blocking decides which
    pairs are scored, never how: no trained parameter changes, so a model need not
    be trained again when the rules do (`python -c "import matching.model as m;
    m.write_current_blocking()"`; a test holds the shipped model to it)."""
    from matching.settings import settings

    model = load_model(path)
    rules = settings().get_settings("duckdb").as_dict()
    key = "blocking_rules_to_generate_predictions"
    model[key] = rules[key]
    return save_model(model, path)


# term-frequency adjustments weigh a name by how common it is in the input;
# below this many records the input's own frequencies are noise, not evidence
MIN_RECORDS_FOR_TERM_FREQUENCIES = 10_000


def without_term_frequencies(model: dict) -> dict:
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return model


# what every scored pair carries, before its comparison levels (gamma_*)
PAIR_COLUMNS = [
    "source_dataset_l",
    "unique_id_l",
    "source_dataset_r",
    "unique_id_r",
    "match_probability",
    "match_weight",
]


# On DuckDB, one machine's memory, Splink scores an input larger than ONE_SLICE
# records in slices of RECORDS_PER_CHUNK, one after the other, keeping only the pairs
# at or above the floor of each: a state month's linkage stage held 7.5 GiB scored at
# once, 5.3 GiB in three slices (docs/benchmarks.md). Memory follows a slice's
# records (a state month's 1.24-1.29 million CalWORKs records: predict's peak 3.47
# GiB in three slices, 3.08 GiB in four, 5 s more) and the blocking rules (each
# holds ~0.1 GiB of a state slice while it is scored: with the city rules, 3.42 GiB
# in four slices, 3.03 GiB in five, no slower), while every slice pays a pass over
# the other side (a county month's 430,000 in two slices: 8.3 s against 4.2 s in
# one), so a county month stays one slice. Spark spreads the work itself.
ONE_SLICE = 500_000
RECORDS_PER_CHUNK = 300_000


def chunks(records: int, engine: str = "duckdb") -> int:
    if engine != "duckdb" or records <= ONE_SLICE:
        return 1
    return math.ceil(records / RECORDS_PER_CHUNK)


def predict(
    frames: dict[str, pd.DataFrame | pa.Table],
    model: dict,
    floor: float,
    engine: str = "duckdb",
) -> pd.DataFrame:
    """Every blocked pair scored at or above `floor`, with its comparison levels.
    `frames`: standardized records, as pandas or as Arrow (link_month keeps a
    month's as Arrow)."""
    if sum(len(df) for df in frames.values()) < MIN_RECORDS_FOR_TERM_FREQUENCIES:
        model = without_term_frequencies(model)
    # Splink writes the comparison levels only beside both records' fields; without
    # them the relatives' guard would find no level and hold nothing back
    model = {**model, "retain_matching_columns": True}
    linker = _linker(frames, model, engine)
    # Splink's left side is the input whose name sorts first, its right the other
    first, *other = sorted(frames)
    scored = linker.inference.predict(
        threshold_match_probability=floor,
        num_chunks_left=chunks(len(frames[first]), engine),
        num_chunks_right=chunks(len(frames[other[-1]]), engine) if other else 1,
    )
    # only ids, scores and levels leave the backend: as pandas, the records' fields
    # beside them held 0.3 GiB after a state month's predict, read by nothing
    names = [c.unquote().name for c in scored.columns]
    keep = PAIR_COLUMNS + [c for c in names if c.startswith("gamma_")]
    out = linker.misc.query_sql(
        f"select {', '.join(keep)} from {scored.physical_name}", output_type="pandas"
    )
    # one orientation per pair, so a pair's key does not depend on Splink's join order
    flip = (out["source_dataset_l"] > out["source_dataset_r"]) | (
        (out["source_dataset_l"] == out["source_dataset_r"])
        & (out["unique_id_l"] > out["unique_id_r"])
    )
    swap = {
        "source_dataset_l": "source_dataset_r",
        "unique_id_l": "unique_id_r",
        "source_dataset_r": "source_dataset_l",
        "unique_id_r": "unique_id_l",
    }
    out.loc[flip, list(swap)] = out.loc[flip, list(swap.values())].to_numpy()
    return out.sort_values(
        ["source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r"],
        ignore_index=True,
    )
