"""A fixed, covering slice of a suite, chosen by a recorded seed: for runs that cannot afford the
whole suite (a slow engine in CI) but must still touch every metric, shape and asking user.

Cases are shuffled by ``seed`` (``random.Random``: the same seed gives the same slice on every
machine); a first pass keeps each case that brings a metric, shape or user not yet covered,
then the slice is filled up to ``size`` in shuffled order, and returned in suite order.

>>> from eval.cases import load_suite
>>> cases = load_suite("bank")
>>> chosen = covering_slice(cases, size=120, seed=SEED)
>>> len(chosen) <= 120 and chosen == covering_slice(cases, size=120, seed=SEED)
True
>>> {c.tags.metric for c in cases} == {c.tags.metric for c in chosen}
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from eval.cases import Case

SEED = 20261207  # recorded: the engines' CI slice


def _facets(case: Case) -> Iterator[tuple[str, str]]:
    yield "metric", str(case.tags.metric or "-")
    yield "shape", case.tags.shape
    yield "user", case.user
    yield "status", case.expect.status


def covering_slice(cases: Sequence[Case], *, size: int, seed: int = SEED) -> list[Case]:
    """At most ``size`` cases covering every metric, shape, user and expected status that
    ``cases`` have (as many as fit when ``size`` is too small to cover them all)."""
    order = list(cases)
    random.Random(seed).shuffle(order)
    covered: set[tuple[str, str]] = set()
    chosen: list[Case] = []
    for case in order:
        new = set(_facets(case)) - covered
        if new and len(chosen) < size:
            chosen.append(case)
            covered |= new
    ids = {c.id for c in chosen}
    for case in order:
        if len(chosen) >= size:
            break
        if case.id not in ids:
            chosen.append(case)
            ids.add(case.id)
    position = {c.id: i for i, c in enumerate(cases)}
    return sorted(chosen, key=lambda c: position[c.id])


def _families(case: Case) -> Iterator[tuple[str, str]]:
    yield "family", str(case.tags.category or "-")
    yield "shape", case.tags.shape
    yield "period", case.tags.time
    yield "status", case.expect.status


def representative_slice(cases: Sequence[Case], *, size: int, seed: int = SEED) -> list[Case]:
    """At most ``size`` cases covering every metric family (the catalog's category), shape
    (ranking, trend, compare, refusal, ...), period kind and expected status: each pick is the
    case bringing the most facets not yet covered (ties broken by the seeded shuffle), for an
    engine too slow to afford the covering slice in CI.

    >>> from eval.cases import load_suite
    >>> cases = load_suite("bank")
    >>> chosen = representative_slice(cases, size=15)
    >>> len(chosen) <= 15 and chosen == representative_slice(cases, size=15)
    True
    >>> {f for c in cases for f in _families(c)} == {f for c in chosen for f in _families(c)}
    True
    """
    order = list(cases)
    random.Random(seed).shuffle(order)
    covered: set[tuple[str, str]] = set()
    chosen: list[Case] = []
    while len(chosen) < size:
        best = max(order, key=lambda c: len(set(_families(c)) - covered), default=None)
        if best is None or not set(_families(best)) - covered:
            break
        chosen.append(best)
        covered |= set(_families(best))
        order.remove(best)
    position = {c.id: i for i, c in enumerate(cases)}
    return sorted(chosen, key=lambda c: position[c.id])
