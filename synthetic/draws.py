"""Random draws and identifiers both systems' histories use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic import names


def days(rng, lo, hi, n=None):
    return pd.to_timedelta(rng.integers(lo, hi, n), unit="D")


def ids(prefix: str, n: int, width: int, start: int = 1) -> np.ndarray:
    return np.char.add(
        prefix, np.char.zfill(np.arange(start, start + n).astype(str), width)
    )


def base36(n: int, rng: np.random.Generator) -> np.ndarray:
    """CWS/CMS-style 10-character identifiers (upper-case base 36, zero padded)."""
    nums = rng.permutation(np.arange(n) * 7919 + 10_000_000)
    alphabet = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    out = np.full(n, "", dtype=object)
    x = nums.copy()
    for _ in range(10):
        out = alphabet[x % 36].astype(object) + out
        x //= 36
    return out


# share of homes that are flats with a unit number ("1234 Main St Apt 12")
UNIT_SHARE = 0.25


def address(rng: np.random.Generator, n: int) -> pd.DataFrame:
    city_idx = rng.integers(0, len(names.CITIES), n)
    cities = np.array([c for c, _ in names.CITIES], dtype=object)[city_idx]
    zip3 = np.array([z for _, z in names.CITIES], dtype=object)[city_idx]
    units = np.where(
        rng.random(n) < UNIT_SHARE,
        np.char.add(" Apt ", rng.integers(1, 40, n).astype(str)).astype(object),
        "",
    )
    return pd.DataFrame(
        {
            "address_line1": [
                f"{num} {s} {t}{unit}"
                for num, s, t, unit in zip(
                    rng.integers(100, 19999, n),
                    rng.choice(names.STREETS, n),
                    rng.choice(names.STREET_TYPES, n),
                    units,
                    strict=True,
                )
            ],
            "city": cities,
            "zip": zip3
            + np.char.zfill(rng.integers(1, 99, n).astype(str), 2).astype(object),
            "phone": [
                f"({a}) {b}-{c:04d}"
                for a, b, c in zip(
                    rng.choice([213, 310, 323, 562, 626, 661, 818], n),
                    rng.integers(200, 999, n),
                    rng.integers(0, 9999, n),
                    strict=True,
                )
            ],
        }
    )


SPELLED_OUT = {"St": "Street", "Ave": "Avenue", "Blvd": "Boulevard", "Dr": "Drive"}


def rekeyed_address(rng: np.random.Generator, address: str) -> str:
    """The same home as another clerk keys it: the street type spelled out, the
    unit written first, or the unit left out."""
    street, _, unit = address.partition(" Apt ")
    kind = int(rng.integers(0, 3 if unit else 1))
    if kind == 1:
        return f"Apt {unit}, {street}"
    if kind == 2:
        return street
    words = street.split(" ")
    words[-1] = SPELLED_OUT.get(words[-1], words[-1])
    return " ".join(words) + (f" Apt {unit}" if unit else "")
