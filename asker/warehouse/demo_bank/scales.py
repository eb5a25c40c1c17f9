"""Size knobs of the demo bank: ``tiny`` (tests), ``small`` (default), ``large`` (benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

from asker.warehouse.demo_bank.reference import CITIES, MAX_SUB_BRANCHES


@dataclass(frozen=True)
class Scale:
    """How big the demo bank is. Everything else (shapes, rates) is the same at every scale."""

    name: str
    customers: int  # 客户数 (about 88% 个人, 12% 对公)
    sub_branches: tuple[int, ...]  # 支行 per 分行, in 分行 order B01..B10
    managers_per_sub_branch: int  # 客户经理 per 支行
    analysts: int  # 分析师 at 总行
    wealth_managers_per_sub_branch: int = 1  # 理财经理 per 支行
    corporate_share: float = 0.12  # share of 对公 customers
    txn_intensity: float = 1.0  # multiplies every account's monthly transaction rate

    def __post_init__(self) -> None:
        if len(self.sub_branches) != len(CITIES):
            raise ValueError(
                f"需要 {len(CITIES)} 个分行的支行数 sub_branches needs {len(CITIES)} items"
            )
        if not all(1 <= n <= MAX_SUB_BRANCHES for n in self.sub_branches):
            raise ValueError(f"每个分行 1..{MAX_SUB_BRANCHES} 个支行 sub_branches must be 1..8")
        if self.managers_per_sub_branch < 1:
            raise ValueError("每个支行至少一名客户经理 managers_per_sub_branch must be >= 1")
        # every 支行 and every 客户经理 must get a real share of the customers
        needed = 30 * sum(self.sub_branches) * max(1, self.managers_per_sub_branch // 3)
        if self.customers < needed:
            raise ValueError(f"客户数过少 customers must be >= {needed} for this org tree")


SMALL_SUB_BRANCHES = (8, 8, 6, 7, 6, 5, 6, 5, 5, 4)

SCALES: dict[str, Scale] = {
    "tiny": Scale(
        name="tiny",
        customers=1_500,
        sub_branches=(3, 3, 2, 2, 2, 2, 2, 2, 2, 2),
        managers_per_sub_branch=2,
        analysts=4,
    ),
    "small": Scale(
        name="small",
        customers=20_000,
        sub_branches=SMALL_SUB_BRANCHES,
        managers_per_sub_branch=3,
        analysts=8,
    ),
    "large": Scale(
        name="large",
        customers=220_000,
        sub_branches=(8,) * len(CITIES),
        managers_per_sub_branch=12,
        analysts=20,
        wealth_managers_per_sub_branch=3,
    ),
}
