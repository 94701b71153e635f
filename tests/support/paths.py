"""Where things are, wherever a test module sits in the tests/ tree."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_DATA = ROOT / "tests" / "data"
