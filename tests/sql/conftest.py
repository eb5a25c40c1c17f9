from tests.sql.endpoint import endpoint
from tests.sql.fakes import llm

__all__ = ["endpoint", "llm"]
