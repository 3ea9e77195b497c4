"""The Child Welfare side of each family's history: clients, referrals and
allegations, cases with their service components and participants, removal
episodes and placements."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.draws import address, base36, days, rekeyed_address
from synthetic.population import (
    CWS_NOISE,
    Population,
    baby_placeholders,
    noisy_records,
)

ALLEGATION_TYPES_P = {
    "GENERAL_NEGLECT": 0.42,
    "SUBSTANTIAL_RISK": 0.16,
    "PHYSICAL_ABUSE": 0.12,
    "EMOTIONAL_ABUSE": 0.08,
    "AT_RISK_SIBLING_ABUSED": 0.08,
    "CARETAKER_ABSENCE": 0.06,
    "SEVERE_NEGLECT": 0.04,
    "SEXUAL_ABUSE": 0.03,
    "EXPLOITATION": 0.01,
}
ER, FM, FR, PP = 1692, 1693, 1694, 1695
EXIT_CODES = {
    "reunification": (5439, 5440, 5513),
    "adoption": (5426, 5438, 5505, 5519),
    "guardianship": (5434, 5516),
    "emancipation": (5427, 5433, 5506, 5510),
    "other": (5431, 5520),
}


class CwsBuilder:
    """Referrals, allegations, promotion to cases, components, removals."""

    def __init__(self, rng, pop: Population, cw_cases, history, end, rates=CWS_NOISE):
        self.rng, self.history, self.end, self.rates = rng, history, end, rates
        self.people = pop.people
        fam = pop.families
        self.fams = fam.loc[fam["systems"].isin(["cws", "both"])]
        self.anchor = cw_cases.set_index("family_id")["application_date"]
        self.cw_address = cw_cases.set_index("family_id")[
            ["address_line1", "city", "zip"]
        ]
        self.rows = {
            k: [] for k in ("ref", "alg", "case", "comp", "part", "epi", "plc")
        }

    def build(self) -> dict[str, pd.DataFrame]:
        # plain dicts: pandas row access costs ~20 ms a family at this loop's size
        by_family: dict[int, list[dict]] = {}
        cols = ["true_person_id", "family_id", "kin", "dob"]
        for person in self.people[cols].to_dict("records"):
            by_family.setdefault(person["family_id"], []).append(person)
        for fam in self.fams.itertuples():
            self._family(fam, by_family[fam.family_id])
        frames = {k: pd.DataFrame(v) for k, v in self.rows.items()}
        return self._finish(frames)

    def _family(self, fam, members: list[dict]) -> None:
        rng = self.rng
        span = (self.end - self.history).days
        if (
            fam.family_id in self.anchor.index
        ):  # known to both: CWS around the CalWORKs case
            first = self.anchor[fam.family_id] + pd.Timedelta(
                days=int(rng.normal(90, 240))
            )
        else:
            first = self.history + pd.Timedelta(days=int(rng.integers(0, span)))
        # a first referral after the range's end is not in these extracts (the loop
        # below stops at the end); clipped onto the last day, it piled about two months'
        # referrals onto it, a spike in the last month's lists
        first = max(first, self.history)
        dates = [first]
        for _ in range(rng.poisson(0.9)):
            dates.append(dates[-1] + pd.Timedelta(days=int(rng.integers(60, 540))))
        kids = [p for p in members if p["kin"] == "child"]
        parents = [
            p for p in members if p["kin"] in ("mother", "absent_mother", "father")
        ]
        caretaker = [p for p in members if p["kin"] == "grandparent"]
        open_until = pd.Timestamp.min
        for received in dates:
            if received > self.end:
                break
            born = [k for k in kids if k["dob"] < received - pd.Timedelta(days=7)]
            if not born:
                continue
            open_until = self._referral(
                fam, received, born, parents, caretaker, open_until
            )

    def _referral(self, fam, received, kids, parents, caretaker, open_until):
        rng = self.rng
        rid = f"R{len(self.rows['ref']) + 1:09d}"
        response = rng.choice(
            ["IMMEDIATE", "TEN_DAY", "EVALUATED_OUT"], p=[0.25, 0.5, 0.25]
        )
        victims = [k for k in kids if rng.random() < 0.75] or kids[:1]
        substantiated = False
        for v in victims:
            perp = None
            if parents and rng.random() < 0.8:
                perp = parents[int(rng.integers(len(parents)))]
            for atype in rng.choice(
                list(ALLEGATION_TYPES_P),
                size=1 + int(rng.random() < 0.15),
                p=list(ALLEGATION_TYPES_P.values()),
                replace=False,
            ):
                dispo = int(rng.choice([45, 46, 47], p=[0.35, 0.42, 0.23]))
                if response == "EVALUATED_OUT":
                    dispo = 46
                substantiated |= dispo == 45
                self.rows["alg"].append(
                    {
                        "allegation_id": f"A{len(self.rows['alg']) + 1:09d}",
                        "referral_id": rid,
                        "victim": v["true_person_id"],
                        "perpetrator": None if perp is None else perp["true_person_id"],
                        "allegation_type": atype,
                        "disposition_code": dispo,
                        "disposition_date": received
                        + pd.Timedelta(days=int(rng.integers(20, 60))),
                        "event_date": received,
                    }
                )
        closure = received + pd.Timedelta(
            days=int(
                rng.integers(1, 10)
                if response == "EVALUATED_OUT"
                else rng.integers(20, 75)
            )
        )
        ref = {
            "referral_id": rid,
            "received_date": received,
            "response_type": response,
            "closure_date": closure,
            "case_id": None,
            "promoted_date": pd.NaT,
        }
        promote = (
            response != "EVALUATED_OUT"
            and substantiated
            and received > open_until
            and rng.random() < 0.85
        )
        if promote:
            case_start = received + pd.Timedelta(days=int(rng.integers(14, 45)))
            ref["closure_date"] = case_start
            ref["promoted_date"] = case_start
            case_ids, open_until = self._cases(
                fam, case_start, victims, parents, caretaker
            )
            ref["case_id"] = case_ids[0]
        self.rows["ref"].append(ref)
        return open_until

    def _cases(self, fam, start, victims, parents, caretaker):
        """One case per victim child (CWS/CMS cases are child based); siblings
        share the path the family takes."""
        rng = self.rng
        path = rng.choice(["FM", "FR", "CLOSE"], p=[0.5, 0.4, 0.1])
        court = rng.random() < (0.85 if path == "FR" else 0.55)
        er_end = start + pd.Timedelta(days=int(rng.integers(20, 60)))
        comps = [(ER, start)]
        removal, exit_date, exit_kind = None, None, None
        if path == "CLOSE":
            end = er_end
        elif path == "FM":
            comps.append((FM, er_end))
            end = er_end + pd.Timedelta(days=int(rng.integers(180, 420)))
        else:
            removal = start
            comps.append((FR, er_end))
            fr_end = er_end + pd.Timedelta(days=int(rng.integers(180, 540)))
            if rng.random() < 0.6:
                exit_kind, exit_date = "reunification", fr_end
                comps.append((FM, fr_end))
                end = fr_end + pd.Timedelta(days=int(rng.integers(120, 300)))
            else:
                comps.append((PP, fr_end))
                end = fr_end + pd.Timedelta(days=int(rng.integers(180, 700)))
                exit_kind, exit_date = (
                    str(
                        rng.choice(
                            ["adoption", "guardianship", "other"], p=[0.5, 0.35, 0.15]
                        )
                    ),
                    end,
                )
        case_ids = []
        office = fam.office_code
        worker = f"SW{rng.integers(1000, 9999)}"
        for v in victims:
            cid = f"{len(self.rows['case']) + 1:010d}"
            case_ids.append(cid)
            kid_exit_kind = exit_kind
            if (
                exit_kind
                and exit_kind != "reunification"
                and (exit_date - v["dob"]).days > 17.5 * 365
            ):
                kid_exit_kind = "emancipation"
            self.rows["case"].append(
                {
                    "case_id": cid,
                    "focus": v["true_person_id"],
                    "office_code": office,
                    "case_start_date": start,
                    "case_end_date": end,
                    "case_plan_basis": "COURT" if court else "VOLUNTARY",
                    "assigned_worker_id": worker,
                    "event_date": start,
                }
            )
            for code, since in comps:
                self.rows["comp"].append(
                    {"case_id": cid, "component": code, "since": since}
                )
            self.rows["part"].append(
                {
                    "case_id": cid,
                    "person": v["true_person_id"],
                    "role": "FOCUS_CHILD",
                    "named": "Y",
                    "event_date": start,
                }
            )
            for p in parents:
                role = {
                    "mother": "MOTHER",
                    "absent_mother": "MOTHER",
                    "father": "FATHER",
                }[p["kin"]]
                if rng.random() < 0.1:
                    role = "PARENT"
                named = (
                    "Y"
                    if rng.random() < (0.9 if p["kin"] != "father" else 0.75)
                    else "N"
                )
                self.rows["part"].append(
                    {
                        "case_id": cid,
                        "person": p["true_person_id"],
                        "role": role,
                        "named": named,
                        "event_date": start,
                    }
                )
            for c in caretaker:
                self.rows["part"].append(
                    {
                        "case_id": cid,
                        "person": c["true_person_id"],
                        "role": "RELATIVE_CAREGIVER",
                        "named": "Y" if rng.random() < 0.6 else "N",
                        "event_date": start,
                    }
                )
            if removal is not None:
                self._episode(
                    v, removal, exit_date, kid_exit_kind, relative=len(caretaker) > 0
                )
        return case_ids, end

    def _episode(self, child, removal, exit_date, exit_kind, relative):
        rng = self.rng
        eid = f"E{len(self.rows['epi']) + 1:09d}"
        self.rows["epi"].append(
            {
                "episode_id": eid,
                "child": child["true_person_id"],
                "removal_date": removal,
                "exit_date": exit_date,
                "exit_reason_code": int(rng.choice(EXIT_CODES[exit_kind])),
                "event_date": removal,
            }
        )
        n = 1 + rng.poisson(0.8)
        cuts = (
            sorted(rng.integers(1, max(2, (exit_date - removal).days), n - 1))
            if n > 1
            else []
        )
        bounds = (
            [removal]
            + [removal + pd.Timedelta(days=int(c)) for c in cuts]
            + [exit_date]
        )
        for i in range(len(bounds) - 1):
            if relative:
                ftype = 1421
            elif i == 0 and rng.random() < 0.3:
                ftype = 1418
            elif i == len(bounds) - 2 and exit_kind == "adoption":
                ftype = 2222
            elif i == len(bounds) - 2 and exit_kind == "guardianship":
                ftype = 5411
            else:
                ftype = int(
                    rng.choice(
                        [1416, 1414, 2200, 1421, 1419], p=[0.3, 0.3, 0.15, 0.2, 0.05]
                    )
                )
            self.rows["plc"].append(
                {
                    "placement_id": f"{eid}-{i + 1}",
                    "episode_id": eid,
                    "child": child["true_person_id"],
                    "start_date": bounds[i],
                    "end_date": bounds[i + 1],
                    "facility_type_code": ftype,
                    "event_date": bounds[i],
                }
            )

    def _finish(self, f: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        rng = self.rng
        # who is involved, and since when: a client record exists from then on
        involved = pd.concat(
            [
                f["alg"][["victim", "event_date"]].rename(columns={"victim": "person"}),
                f["alg"][["perpetrator", "event_date"]].rename(
                    columns={"perpetrator": "person"}
                ),
                f["part"][["person", "event_date"]],
            ]
        ).dropna(subset=["person"])
        first_seen = involved.groupby("person")["event_date"].min()
        ppl = (
            self.people.set_index("true_person_id").loc[first_seen.index].reset_index()
        )
        ppl["first_seen"] = first_seen.to_numpy()
        # some people get a second client id later on (a search that missed them)
        dup = rng.random(len(ppl)) < 0.04
        ppl["dup_date"] = (ppl["first_seen"] + days(rng, 30, 700, len(ppl))).where(dup)
        ppl.loc[ppl["dup_date"] > self.end, "dup_date"] = pd.NaT
        ids = base36(len(ppl) + int(ppl["dup_date"].notna().sum()), rng)
        ppl["client_id"] = ids[: len(ppl)]
        ppl.loc[ppl["dup_date"].notna(), "dup_client_id"] = ids[len(ppl) :]

        rates = self.rates
        primary = noisy_records(
            rng, ppl, rates, relatives=self.people, recorded=ppl["first_seen"]
        ).assign(
            client_id=ppl["client_id"].to_numpy(), created=ppl["first_seen"].to_numpy()
        )
        d = ppl.loc[ppl["dup_date"].notna()]
        second = noisy_records(
            rng, d, rates, relatives=self.people, recorded=d["dup_date"]
        ).assign(
            client_id=d["dup_client_id"].to_numpy(), created=d["dup_date"].to_numpy()
        )
        clients = pd.concat([primary, second], ignore_index=True)
        clients = clients.join(
            address(rng, len(clients))[["address_line1", "city", "zip"]]
        )
        # CWS usually records the household address CalWORKs has (when the family has one)
        family = clients["true_person_id"].map(
            self.people.set_index("true_person_id")["family_id"]
        )
        shared = family.isin(self.cw_address.index).to_numpy() & (
            rng.random(len(clients)) < 0.6
        )
        cols = ["address_line1", "city", "zip"]
        clients.loc[shared, cols] = self.cw_address.loc[family[shared], cols].to_numpy()
        # ... keyed its own way now and then (street type, unit first or left out)
        rekeyed = shared & (rng.random(len(clients)) < rates["address_rekeyed"])
        clients.loc[rekeyed, "address_line1"] = [
            rekeyed_address(rng, a) for a in clients.loc[rekeyed, "address_line1"]
        ]
        clients.loc[rekeyed, "noise"] = (
            clients.loc[rekeyed, "noise"] + ";address_rekeyed"
        )
        # an unborn or just-born child is often recorded without a first name
        age_at_entry = (clients["created"] - clients["true_dob"]).dt.days
        unnamed = (age_at_entry < 30) & (
            rng.random(len(clients)) < rates["first_missing_newborn"]
        )
        clients.loc[unnamed, "first_name"] = None
        clients.loc[unnamed, "noise"] = clients.loc[unnamed, "noise"] + ";first_missing"
        # ... or under a placeholder (drawn from a stream of its own, see noisy_records)
        sex = clients["true_person_id"].map(
            self.people.set_index("true_person_id")["sex"]
        )
        baby_placeholders(
            rng.spawn(1)[0], clients, age_at_entry, sex, rates["baby_placeholder"]
        )
        clients.loc[rng.random(len(clients)) < rates["dob_missing"], "dob"] = pd.NaT

        lookup = ppl.set_index("true_person_id")[
            ["client_id", "dup_client_id", "dup_date"]
        ]

        def client_of(frame: pd.DataFrame, col: str) -> np.ndarray:
            ref = lookup.reindex(frame[col])
            use_dup = ref["dup_date"].notna().to_numpy() & (
                frame["event_date"].to_numpy() >= ref["dup_date"].to_numpy()
            )
            return np.where(use_dup, ref["dup_client_id"], ref["client_id"])

        alg = f["alg"]
        alg["victim_client_id"] = client_of(alg, "victim")
        alg["perpetrator_client_id"] = np.where(
            alg["perpetrator"].notna(),
            client_of(alg.fillna({"perpetrator": ""}), "perpetrator"),
            None,
        )
        cases = f["case"]
        cases["focus_child_client_id"] = client_of(cases, "focus")
        part = f["part"]
        part["client_id"] = client_of(part, "person")
        # a person can hold two client ids on one case only once: keep the first
        part = part.drop_duplicates(["case_id", "client_id"])
        epi = f["epi"]
        epi["client_id"] = client_of(epi, "child")
        plc = f["plc"]
        plc["client_id"] = client_of(plc, "child")
        return {
            "cws_clients": clients,
            "referrals": f["ref"],
            "allegations": alg,
            "cws_cases": cases,
            "components": f["comp"],
            "participants": part,
            "episodes": epi,
            "placements": plc,
        }
