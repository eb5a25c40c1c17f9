"""What the LLM path adds to a turn: the question the model saw, the context, the candidate it
proposed, every request made and the repair rounds used."""

from __future__ import annotations

from dataclasses import dataclass, field

from asker.sql.chain import Candidate
from asker.sql.chat import Call
from asker.sql.context import Context
from asker.sql.visible import Visible


@dataclass(frozen=True)
class LlmTurn:
    question: str  # PII-redacted and, for a follow-up, rewritten as a standalone question
    visible: Visible
    model: str = ""
    context: Context = field(default_factory=Context)
    candidate: Candidate | None = None
    calls: tuple[Call, ...] = ()
    rounds: int = 0  # repair rounds used
    rewritten: bool = False
    shadow: Candidate | None = None  # evaluation: the free-SQL answer to the same question
    agree: bool | None = None  # evaluation: did both paths give the same numbers

    @property
    def prompt_tokens(self) -> int:
        return sum(c.prompt_tokens for c in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(c.completion_tokens for c in self.calls)
