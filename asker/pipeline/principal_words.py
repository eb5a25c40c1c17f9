"""Words whose meaning depends on who asks, resolved once the principal is known: "我们下面",
"under us" → the org level directly under the asker's own unit (``understand.org_words``)."""

from __future__ import annotations

from dataclasses import replace

from asker.pipeline.turn import Services, Turn
from asker.types import Understanding
from asker.understand.org_words import ORG_DIMENSIONS, child_dimension, names_children


def under_us(found: Understanding, turn: Turn, services: Services) -> Understanding:
    """'我们下面各家': the units directly under the asker's own, as the breakdown."""
    query = found.query
    if found.status != "ok" or query is None or not names_children(found.question):
        return found
    if ORG_DIMENSIONS & set(query.dimensions) or turn.principal is None:
        return found
    dimension = child_dimension(services.orgs.get(turn.principal.org_id).org_level)
    if dimension is None:
        return found
    zh = found.language == "zh"
    note = (
        f"「下面」按您所在机构的下一级（{'分行' if dimension == 'branch' else '支行'}）展开"
        if zh
        else f"'under us' read as the units one level below yours ({dimension})"
    )
    return replace(
        found,
        query=replace(query, dimensions=(dimension, *query.dimensions)),
        assumptions=(*found.assumptions, note),
    )
