"""The contract's SSN rule (CONTRACT.md §2), once: ssn_is_valid and its SQL twin are
both built from these parts (tests/unit/test_contract.py checks them on the same
values)."""

from __future__ import annotations

SSN_LENGTH = 9
SSN_INVALID_AREAS = ("000", "666")  # the first three digits
SSN_INVALID_AREA_START = "9"  # 9xx areas
SSN_INVALID_GROUP = "00"  # digits 4-5
SSN_INVALID_SERIAL = "0000"  # digits 6-9
# placeholders the contract names as invalid SSNs
SSN_PLACEHOLDERS = ("111111111", "123456789", "999999999")


def ssn_is_valid(ssn: str | None) -> bool:
    """The contract's SSN rule: 9 digits (0-9), no 000/666/9xx area, 00 group,
    0000 serial, and none of the well-known placeholders."""
    if ssn is None or len(ssn) != SSN_LENGTH or not (ssn.isascii() and ssn.isdigit()):
        return False
    area, group, serial = ssn[:3], ssn[3:5], ssn[5:]
    return not (
        area in SSN_INVALID_AREAS
        or area.startswith(SSN_INVALID_AREA_START)
        or group == SSN_INVALID_GROUP
        or serial == SSN_INVALID_SERIAL
        or ssn in SSN_PLACEHOLDERS
    )


def ssn_valid_sql(col: str) -> str:
    """ssn_is_valid as a DuckDB boolean expression over the SQL expression `col`
    (null when `col` is null)."""

    def texts(values) -> str:
        return ", ".join(f"'{v}'" for v in values)

    return (
        f"(regexp_full_match({col}, '[0-9]{{{SSN_LENGTH}}}')"
        f" and substr({col}, 1, 3) not in ({texts(SSN_INVALID_AREAS)})"
        f" and substr({col}, 1, 1) <> '{SSN_INVALID_AREA_START}'"
        f" and substr({col}, 4, 2) <> '{SSN_INVALID_GROUP}'"
        f" and substr({col}, 6, 4) <> '{SSN_INVALID_SERIAL}'"
        f" and {col} not in ({texts(SSN_PLACEHOLDERS)}))"
    )
