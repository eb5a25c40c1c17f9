"""What asker keeps between questions: the app database (SQLAlchemy, SQLite or PostgreSQL), its
Alembic migrations, and the stores on it (conversations, feedback, saved questions, verified
examples, LLM token usage)."""
