"""The demo bank warehouse generator: deterministic, set-based DuckDB SQL (ARCHITECTURE §4)."""

from asker.warehouse.demo_bank.builder import build_demo_bank, check_data_date
from asker.warehouse.demo_bank.scales import SCALES, Scale

__all__ = ["SCALES", "Scale", "build_demo_bank", "check_data_date"]
