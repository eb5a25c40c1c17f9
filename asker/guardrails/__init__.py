"""Guardrails: the fail-closed gate every statement passes before it reaches the warehouse."""
