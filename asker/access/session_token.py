"""The session token a browser keeps so a sign-in survives a reload: who signed in and when,
signed with the data dir's key (itsdangerous, HMAC-SHA1 over a salt-derived key). It carries no
rights: resuming reads the account again, so a removed account or a changed role takes effect at
once, and the session ends ``session_hours`` after the sign-in, as a fresh one would.

Password sign-in and single sign-on issue it the same way (``issue``); ``read`` gives back what
a genuine, unaltered token says, or None.

>>> key = bytes(32)
>>> started = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
>>> token = issue(key, "li.na", started)
>>> read(key, token)
('li.na', datetime.datetime(2026, 12, 7, 1, 0, tzinfo=datetime.timezone.utc))
>>> read(bytes(range(32)), token) is None, read(key, token[:-2] + "xx") is None
(True, True)
"""

from __future__ import annotations

import datetime as dt

from itsdangerous import BadData, URLSafeSerializer

SALT = "asker.session.v1"  # a key of its own, derived from the data dir's key


def issue(key: bytes, user_id: str, started: dt.datetime) -> str:
    """A URL-safe token (letters, digits, ``-_.``) naming the user and the sign-in time."""
    return URLSafeSerializer(key, salt=SALT).dumps({"u": user_id, "s": started.isoformat()})


def read(key: bytes, token: str) -> tuple[str, dt.datetime] | None:
    """The user and sign-in time of a token this key signed; None for anything else."""
    try:
        payload = URLSafeSerializer(key, salt=SALT).loads(token)
        user, started = str(payload["u"]), dt.datetime.fromisoformat(payload["s"])
    except (BadData, KeyError, TypeError, ValueError):
        return None
    if started.tzinfo is None or not user:
        return None
    return user, started
