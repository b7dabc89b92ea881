"""Unit tests import the plan fixture generator (tests/data/plans/make_fixtures.py) by name."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "data" / "plans"))
