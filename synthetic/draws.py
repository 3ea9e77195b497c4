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


def address(rng: np.random.Generator, n: int) -> pd.DataFrame:
    city_idx = rng.integers(0, len(names.CITIES), n)
    cities = np.array([c for c, _ in names.CITIES], dtype=object)[city_idx]
    zip3 = np.array([z for _, z in names.CITIES], dtype=object)[city_idx]
    return pd.DataFrame(
        {
            "address_line1": [
                f"{num} {s} {t}"
                for num, s, t in zip(
                    rng.integers(100, 19999, n),
                    rng.choice(names.STREETS, n),
                    rng.choice(names.STREET_TYPES, n),
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
