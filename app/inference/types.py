"""The types every layer shares: a JSON value and the process environment. What a particular event
source receives or answers is typed in that source's own module."""

from collections.abc import Mapping
from typing import TypeAlias

JSON: TypeAlias = bool | int | float | str | list["JSON"] | dict[str, "JSON"] | None
"""Any JSON value: what a direct invoke carries, and what a direct invoke answers."""

Env: TypeAlias = Mapping[str, str]
"""The process environment, or a stand-in for it in tests."""
