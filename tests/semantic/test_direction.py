"""Every metric says which way is good (``higher_is_better``: true, false or null): the validation
requires it, `asker metrics show CODE --format json` shows it, and a rising NPL ratio is bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from asker.errors import ConfigError
from asker.semantic.definitions import seed_texts
from asker.semantic.validate import load_dictionary, load_seed_dictionary
from tests.helpers import asker

# Read from the YAML itself (not the loaded model, whose field has a default), so a metric that
# left the key out is caught here as well as by the validation.
SEED = [m for text in seed_texts().values() for m in yaml.safe_load(text).get("metrics") or []]


@pytest.mark.parametrize("metric", SEED, ids=lambda m: str(m["code"]))
def test_every_seed_metric_states_its_direction(metric: dict[str, object]) -> None:
    assert "higher_is_better" in metric and metric["higher_is_better"] in (True, False, None)


def test_risk_metrics_are_better_lower_and_balances_higher() -> None:
    direction = {m.code: m.higher_is_better for m in load_seed_dictionary().metrics}
    assert direction["npl_ratio"] is False and direction["npl_balance"] is False
    assert direction["overdue_loan_balance"] is False
    assert direction["deposit_balance"] is True and direction["loan_balance"] is True


def test_a_metric_without_a_direction_fails_validation() -> None:
    texts = seed_texts()
    name = next(n for n, t in texts.items() if "code: npl_ratio" in t)
    texts[name] = texts[name].replace("    higher_is_better: false\n", "", 1)
    with pytest.raises(ConfigError) as caught:
        load_dictionary(texts)
    problems = "\n".join(caught.value.params["problems"])
    assert "higher_is_better" in problems


def test_metrics_show_carries_the_direction(tiny_dir: Path) -> None:
    shown = asker("metrics", "show", "npl_ratio", "--data-dir", str(tiny_dir), "--format", "json")
    assert '"higher_is_better": false' in shown.stdout, shown.stdout[:500]
    assert json.loads(shown.stdout)
