"""Moved: the contract is the whole project's schema, the `contract` package.

matching/standardize.py still imports ssn_is_valid from here; this module goes
once it imports from `contract` (the other names are kept for code not yet moved).
"""

from contract import *  # noqa: F403
from contract import __all__  # noqa: F401
