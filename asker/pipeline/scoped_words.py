"""The words a principal's questions are read with: the parser's lexicon less the values they may
not learn (client managers of other units: a name outside scope reads exactly as an unknown word,
so staff names cannot be confirmed bank-wide), and with an org word that names units both inside
and outside their scope (高新支行) read as the one inside. Built once per scope and kept.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from asker.understand.parser import Context


@dataclass
class ScopedContexts:
    context: Context
    value_orgs: Mapping[tuple[str, str], frozenset[str]]
    _cache: dict[frozenset[str], Context] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def for_orgs(self, orgs: frozenset[str] | None) -> Context:
        """The context for a principal who sees ``orgs`` (None: every unit, the whole lexicon)."""
        if orgs is None:
            return self.context
        with self._lock:
            if orgs not in self._cache:
                hidden = frozenset(v for v, units in self.value_orgs.items() if not units & orgs)
                lexicon = self.context.lexicon.without(hidden).preferring(orgs)
                self._cache[orgs] = replace(self.context, lexicon=lexicon)
            return self._cache[orgs]
