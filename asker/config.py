"""One Settings class: the only place asker reads its environment (prefix ``ASKER_``).

Every setting has a default and a description; a test fails if one is missing from the README.

>>> Settings(data_dir="/tmp/x").warehouse_file.name
'warehouse.duckdb'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PositiveInt, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Scale = Literal["tiny", "small", "large"]


class Settings(BaseSettings):
    """asker's settings. Each can be set by the environment variable ASKER_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="ASKER_", frozen=True, extra="ignore")

    data_dir: Path = Field(
        default=Path(".asker"),
        description="Data directory: warehouse, app database, index, audit key.",
    )
    data_date: date = Field(
        default=date(2026, 9, 30),
        description="The demo bank's latest business date (a month end); "
        "time expressions resolve against it.",
    )
    scale: Scale = Field(
        default="small", description="Demo bank size built by `asker init`: tiny, small, large."
    )
    seed: int = Field(default=42, description="Seed of the demo bank generator.")
    warehouse_path: Path | None = Field(
        default=None,
        description="DuckDB warehouse file; default <data_dir>/warehouse.duckdb.",
    )
    warehouse_url: str | None = Field(
        default=None,
        description="Warehouse engine URL: duckdb:///path/file.duckdb, "
        "postgresql://user@host:port/db?options or sc://host:port (Spark Connect); "
        "default: the engine the data dir was initialised on (its DuckDB file).",
    )
    warehouse_pool_size: int = Field(
        default=4,
        gt=0,
        description="Most connections (PostgreSQL) or concurrent operations (Spark Connect) "
        "held to the warehouse engine.",
    )
    warehouse_connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds to reach the warehouse engine."
    )
    policy_file: Path | None = Field(
        default=None,
        description="Permission policy YAML (roles, data rights, masks, application rights, "
        "home panels); default: the demo bank's policy shipped with asker.",
    )
    app_db_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the app database; default SQLite in the data dir.",
    )
    query_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds a warehouse query may run before it is stopped."
    )
    executor_workers: int = Field(
        default=1,
        ge=0,
        description="Pre-started executor child processes that run warehouse queries (killed "
        "and replaced when a query passes its deadline); 0 runs queries in the asking process.",
    )
    executor_memory_mb: int = Field(
        default=4096,
        ge=0,
        description="Address-space limit (RLIMIT_AS, MB) of each executor child; 0: no limit. "
        "Keep it above duckdb_memory_limit plus about 1 GB.",
    )
    max_statement_chars: int = Field(
        default=20_000, gt=0, description="Longest SQL statement the gate checks, in characters."
    )
    max_statement_nodes: int = Field(
        default=4_000, gt=0, description="Most syntax nodes in one statement the gate checks."
    )
    max_statement_joins: int = Field(
        default=16, ge=0, description="Most joins in one statement the gate checks."
    )
    max_statement_depth: int = Field(
        default=24, gt=0, description="Deepest nesting of subqueries and functions in a statement."
    )
    max_string_chars: int = Field(
        default=65_536,
        gt=0,
        description="Longest string a string function in a query may build (the gate's estimate).",
    )
    max_concurrent_queries_per_user: int = Field(
        default=2, gt=0, description="Questions or statements one user may have running at once."
    )
    row_cap: int = Field(
        default=5000, gt=0, description="Most rows any query returns (role caps may be lower)."
    )
    min_cell_size: int = Field(
        default=5,
        gt=1,
        description="Fewest distinct entities (customers, accounts, loans, ...) behind any "
        "result cell an aggregates-only role sees; smaller cells come back suppressed.",
    )
    max_input_chars: int = Field(
        default=4000, gt=0, description="Longest question or SQL statement accepted."
    )
    duckdb_memory_limit: str = Field(
        default="2GB", description="DuckDB memory limit for warehouse queries."
    )
    duckdb_threads: int = Field(default=2, gt=0, description="DuckDB threads for queries.")
    duckdb_temp_limit: str = Field(
        default="4GB", description="Most disk DuckDB may spill to while querying."
    )
    language: Literal["zh", "en"] = Field(
        default="zh", description="Language of messages when the input does not decide it."
    )
    login_max_failures: int = Field(
        default=5, gt=0, description="Failed logins in a row after which the account is locked."
    )
    login_lockout_minutes: int = Field(
        default=15, gt=0, description="Minutes a locked account stays locked."
    )
    session_hours: float = Field(
        default=8.0, gt=0, description="Hours a chat app login lasts before it must log in again."
    )
    api_max_body_bytes: int = Field(
        default=65536,
        gt=0,
        description="`asker api`: the largest request body accepted; a larger one gets 413.",
    )
    api_request_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="`asker api`: seconds one request may take before it is answered 503 "
        "REQUEST_TIMEOUT.",
    )
    api_cors_origins: tuple[str, ...] = Field(
        default=(),
        description="`asker api`: browser origins (the portal's) allowed to call it "
        "cross-origin, as a JSON list; none by default.",
    )
    api_shutdown_grace_s: int = Field(
        default=30,
        gt=0,
        description="`asker api`: seconds a stopping server waits for in-flight answers.",
    )
    api_token_days: int = Field(
        default=90,
        gt=0,
        description="Days an API token from `asker tokens create` is valid unless "
        "--expires-days says otherwise.",
    )
    ldap_url: str | None = Field(
        default=None,
        description="LDAP / Active Directory server for password sign-in (ldap://host:389 or "
        "ldaps://host:636); unset: passwords are checked against asker's own accounts only.",
    )
    ldap_user_dn: str = Field(
        default="uid={user},ou=people,dc=bank,dc=local",
        description="How a user name becomes the name to bind as: {user} is replaced, e.g. "
        "uid={user},ou=people,dc=bank,dc=local, or {user}@bank.local for Active Directory.",
    )
    ldap_base_dn: str = Field(
        default="dc=bank,dc=local",
        description="Where the user's entry and groups are searched after the bind.",
    )
    ldap_user_filter: str = Field(
        default="(uid={user})",
        description="Filter finding the signed-in user's entry ({user} is escaped and replaced); "
        "(sAMAccountName={user}) on Active Directory.",
    )
    ldap_group_filter: str = Field(
        default="(&(objectClass=groupOfNames)(member={dn}))",
        description="Filter finding the groups the user is a member of ({dn}: the user's DN); "
        "the user entry's memberOf attribute is read as well.",
    )
    ldap_timeout_s: float = Field(
        default=5.0, gt=0, description="Seconds to connect to and wait for the LDAP server."
    )
    oidc_issuer: str | None = Field(
        default=None,
        description="The bank's OIDC identity provider (issuer URL; its "
        "/.well-known/openid-configuration is read); unset: no single sign-on.",
    )
    oidc_client_id: str | None = Field(
        default=None, description="asker's client id at the OIDC identity provider."
    )
    oidc_client_secret: str | None = Field(
        default=None, description="asker's client secret at the OIDC identity provider."
    )
    oidc_audience: str | None = Field(
        default=None,
        description="Audience an API bearer access token must carry; default: oidc_client_id.",
    )
    oidc_redirect_uri: str | None = Field(
        default=None,
        description="Where the identity provider sends the browser back after sign-in: the "
        "chat app's address + /oauth2callback, e.g. https://asker.bank.local/oauth2callback.",
    )
    oidc_cookie_secret: str | None = Field(
        default=None,
        description="Secret that signs the chat app's single sign-on cookie; default: a random "
        "one per data dir, kept in it.",
    )
    oidc_timeout_s: float = Field(
        default=5.0, gt=0, description="Seconds one request to the identity provider may take."
    )
    oidc_jwks_min_refresh_s: float = Field(
        default=60.0,
        ge=0,
        description="Least seconds between two fetches of the provider's signing keys (an "
        "unknown key id triggers one; a forged key id cannot make asker hammer the provider).",
    )
    trusted_header_proxies: tuple[str, ...] = Field(
        default=(),
        description="Addresses or networks of the bank's reverse proxies allowed to forward a "
        'signed user identity, as a JSON list such as ["10.1.2.3", "10.8.0.0/16"]; empty: '
        "the trusted header is off.",
    )
    trusted_header_secret: str | None = Field(
        default=None,
        description="Shared secret of the HMAC-SHA256 signature the proxy puts on the identity "
        "headers (X-Asker-Signature); required when trusted_header_proxies is set.",
    )
    trusted_header_max_age_s: int = Field(
        default=60,
        gt=0,
        description="Most seconds between the proxy's signing time (X-Asker-Timestamp) and now; "
        "an older or future-dated header is refused (replay).",
    )
    rate_limit_per_minute: int = Field(
        default=30, gt=0, description="Questions one user may ask per clock minute."
    )
    rate_limit_per_minute_by_role: tuple[tuple[str, PositiveInt], ...] = Field(
        default=(),
        description="Per-role overrides of rate_limit_per_minute, as a JSON object "
        'of role names from the policy, such as {"<role>": 60}.',
    )
    daily_question_quota: int = Field(
        default=2000, gt=0, description="Questions one user may ask per day (00:00 UTC+8)."
    )
    export_row_cap: int = Field(
        default=2000,
        gt=0,
        description="Most rows one export (CSV or Excel) holds; the role's row cap may be lower.",
    )
    embeddings_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible embeddings endpoint for retrieval; "
        "default: offline hashed character n-grams (downloads nothing).",
    )
    embeddings_model: str = Field(
        default="bge-m3", description="Embedding model name sent to the embeddings endpoint."
    )
    embeddings_api_key: str | None = Field(
        default=None, description="API key of the embeddings endpoint, if it needs one."
    )
    embeddings_timeout_s: float = Field(
        default=30.0, gt=0, description="Seconds an embeddings request may take."
    )
    embeddings_allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="Hosts the embeddings endpoint may be on, as a JSON list such as "
        '["127.0.0.1"]; an endpoint elsewhere is refused.',
    )

    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible chat endpoint (e.g. http://127.0.0.1:8000/v1); "
        "unset: only dictionary questions are answered.",
    )
    llm_model: str | None = Field(default=None, description="Chat model name at the endpoint.")
    llm_api_key: str | None = Field(
        default=None, description="API key of the chat endpoint (many local servers need none)."
    )
    llm_allowed_hosts: tuple[str, ...] = Field(
        default=("127.0.0.1", "localhost", "::1"),
        description="Hosts the chat endpoint may be on, as a JSON list; any other host is a "
        "configuration error.",
    )
    llm_timeout_s: float = Field(
        default=30.0, gt=0, description="Seconds one chat request may take before it is abandoned."
    )
    llm_max_retries: int = Field(
        default=1, ge=0, description="Retries of a failed chat request (timeouts, 5xx)."
    )
    llm_structured_output: Literal["json_schema", "function_calling", "json_mode"] = Field(
        default="json_mode",
        description="How the model is asked for structured output: json_schema, "
        "function_calling or json_mode (whatever the endpoint supports).",
    )
    llm_repair_rounds: int = Field(
        default=3, ge=0, description="Rounds the model may repair SQL the gate refused."
    )
    llm_prompt_token_budget: int = Field(
        default=6000, gt=500, description="Most tokens one prompt may hold; context is trimmed."
    )
    llm_daily_token_quota: int = Field(
        default=500_000, gt=0, description="Prompt + completion tokens one user may use per day."
    )
    llm_evaluate_both: bool = Field(
        default=False,
        description="Evaluation: also write free SQL for questions the dictionary answered and "
        "flag when the two results disagree.",
    )

    @field_validator("data_date")
    @classmethod
    def _month_end(cls, value: date) -> date:
        from calendar import monthrange

        if value.day != monthrange(value.year, value.month)[1]:
            raise ValueError(f"数据日期必须是月末 data_date must be a month end, got {value}")
        return value

    @field_validator("rate_limit_per_minute_by_role", mode="before")
    @classmethod
    def _role_limits(cls, value: Any) -> Any:
        # Kept as sorted pairs rather than a dict so Settings stays hashable.
        return tuple(sorted(value.items())) if isinstance(value, Mapping) else value

    @property
    def warehouse_file(self) -> Path:
        return self.warehouse_path or self.data_dir / "warehouse.duckdb"

    @property
    def resolved_app_db_url(self) -> str:
        return self.app_db_url or f"sqlite:///{self.data_dir / 'app.db'}"
