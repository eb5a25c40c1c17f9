"""Deterministic parsing of a question: terms, dimensions, values, time expressions, follow-ups."""
