"""What happens to each family over time, in both systems (the CalWORKs side in
calworks_history.py, the Child Welfare side in cws_history.py).

Every event carries its true dates; a month's extract (`extracts.py`) is then a
point-in-time view: rows that exist by the as-of date, end dates only once they
have passed, the CWS service component in effect on that day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic.calworks_history import (
    cw_cases,
    cw_members,
    participation,
    wages,
    wtw,
)
from synthetic.cws_history import CwsBuilder
from synthetic.population import CALWORKS_NOISE, CWS_NOISE, Population, noise_rates


@dataclass
class Timeline:
    cw_cases: pd.DataFrame
    cw_members: pd.DataFrame  # one row per person per case, with the CalSAWS record
    wtw: pd.DataFrame
    participation: pd.DataFrame
    wages: pd.DataFrame
    cws_clients: pd.DataFrame  # one row per client record (a person may have two)
    referrals: pd.DataFrame
    allegations: pd.DataFrame
    cws_cases: pd.DataFrame
    components: pd.DataFrame
    participants: pd.DataFrame
    episodes: pd.DataFrame
    placements: pd.DataFrame


def build_timeline(
    rng: np.random.Generator,
    pop: Population,
    start: pd.Timestamp,
    end: pd.Timestamp,
    noise_level: float = 1.0,
    extract_noise_level: float = 1.0,
) -> Timeline:
    """`noise_level` multiplies every record-noise rate, `extract_noise_level` those
    of the kinds real extracts have besides (population.noise_rates)."""
    history = start - pd.DateOffset(months=30)
    fam = pop.families
    cases = cw_cases(rng, fam, history, end)
    cw_rates = noise_rates(CALWORKS_NOISE, noise_level, extract_noise_level)
    members = cw_members(rng, pop.people, cases, end, cw_rates)
    statuses = wtw(rng, members, cases)
    months = participation(rng, members, cases, start, end)
    earnings = wages(rng, members, start, end)
    cws = CwsBuilder(
        rng,
        pop,
        cases,
        history,
        end,
        noise_rates(CWS_NOISE, noise_level, extract_noise_level),
    ).build()
    return Timeline(cases, members, statuses, months, earnings, **cws)
