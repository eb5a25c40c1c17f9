"""The audit trail: each record, the HMAC chain and its anchor, search for auditors, and the
usage statistics read from it."""
