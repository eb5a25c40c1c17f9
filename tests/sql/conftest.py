from tests.sql.fakes import llm

__all__ = ["llm"]
