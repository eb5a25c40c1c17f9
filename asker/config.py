"""One Settings class: the only place asker reads its environment (prefix ``ASKER_``).

Every setting has a default and a description; a test fails if one is missing from the README.

>>> Settings(data_dir="/tmp/x").warehouse_file.name
'warehouse.duckdb'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PositiveInt, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

Scale = Literal["tiny", "small", "large"]

# Settings that hold a secret: each may instead be read from the file ASKER_<NAME>_FILE names
# (a Docker or Kubernetes secret, a systemd credential), and none shows in a repr.
SECRET_SETTINGS = (
    "app_db_url",
    "llm_api_key",
    "embeddings_api_key",
    "oidc_client_secret",
    "oidc_cookie_secret",
    "trusted_header_secret",
    "warehouse_url",
    "smtp_password",
)


class SecretFileError(ValueError):
    """A secret file that cannot be used; ``code`` and ``params`` make the ConfigError the
    command line shows (config sits beside errors, so it cannot raise one itself). Names the
    setting and the file, never what the file holds."""

    def __init__(self, code: str, **params: str) -> None:
        self.code, self.params = code, params
        super().__init__(f"{code}: {params}")


class SecretFiles(PydanticBaseSettingsSource):
    """``ASKER_<NAME>_FILE=/run/secrets/x``: the setting is the file's text (one trailing
    newline dropped). Setting both ASKER_<NAME> and ASKER_<NAME>_FILE is refused."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # all the work is in __call__

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        environ = {k.upper(): v for k, v in os.environ.items()}
        for name in SECRET_SETTINGS:
            path = environ.get(f"ASKER_{name.upper()}_FILE")
            if not path:
                continue
            if environ.get(f"ASKER_{name.upper()}"):
                raise SecretFileError("SECRET_GIVEN_TWICE", name=name)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeError) as exc:
                reason = type(exc).__name__
                raise SecretFileError(
                    "SECRET_FILE_UNREADABLE", name=name, path=path, reason=reason
                ) from None
            found[name] = text.removesuffix("\n").removesuffix("\r")
        return found


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
        repr=False,
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
        repr=False,
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
        repr=False, default=None, description="asker's client secret at the OIDC identity provider."
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
        repr=False,
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
        repr=False,
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
    audit_syslog_url: str | None = Field(
        default=None,
        description="Also send every audit record to the bank's syslog collector (SIEM): "
        "udp://host:514 or tcp://host:601; RFC 5424 messages whose text is the record's JSON "
        "(questions PII-redacted). A collector that is down never holds up an answer.",
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
        repr=False, default=None, description="API key of the embeddings endpoint, if it needs one."
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
        repr=False,
        default=None,
        description="API key of the chat endpoint (many local servers need none).",
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

    worker_interval_s: float = Field(
        default=60.0,
        gt=0,
        description="`asker worker`: seconds between two runs of what is due (subscriptions, "
        "alerts, anomaly rules, retries).",
    )
    worker_claim_lease_s: int = Field(
        default=600,
        gt=0,
        description="`asker worker`: seconds a worker holds a delivery it claimed; a claim older "
        "than this (its worker died mid-send) may be taken over by another worker.",
    )
    public_url: str | None = Field(
        default=None,
        description="Address of the chat app people open (e.g. https://asker.bank.local), used "
        "for the link in deliveries that carry no table.",
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server deliveries are mailed through; unset: no e-mail."
    )
    smtp_port: int = Field(default=25, gt=0, description="Port of the SMTP server.")
    smtp_from: str = Field(
        default="asker@localhost", description="Sender address of the mail asker sends."
    )
    smtp_username: str | None = Field(
        default=None, description="User name at the SMTP server, if it needs a login."
    )
    smtp_password: str | None = Field(
        repr=False, default=None, description="Password at the SMTP server, if it needs a login."
    )
    smtp_starttls: bool = Field(
        default=False, description="Upgrade the SMTP connection with STARTTLS before sending."
    )
    smtp_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds to connect to and talk with the SMTP server."
    )
    webhook_format: Literal["wecom", "dingtalk", "feishu"] = Field(
        default="wecom",
        description="Message format of group-robot webhooks: wecom (企业微信), dingtalk (钉钉) "
        "or feishu (飞书).",
    )
    webhook_allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="Hosts a webhook may be on, as a JSON list such as "
        '["qyapi.weixin.qq.com"]; a webhook elsewhere is refused; empty: no webhooks.',
    )
    webhook_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds one webhook request may take."
    )
    delivery_max_attempts: int = Field(
        default=5, gt=0, description="Attempts at one delivery before it is given up (audited)."
    )
    delivery_retry_base_s: float = Field(
        default=60.0,
        ge=0,
        description="Seconds before the first retry of a failed delivery; each later retry "
        "waits twice as long.",
    )
    auditor_email: str | None = Field(
        default=None, description="The auditors' mailbox anomaly alerts are mailed to."
    )
    auditor_webhook_url: str | None = Field(
        default=None,
        description="The auditors' group-robot webhook anomaly alerts are posted to (its host "
        "must be in webhook_allowed_hosts).",
    )
    anomaly_window_minutes: int = Field(
        default=60,
        gt=0,
        description="Anomaly rules count one user's audit records over this many minutes.",
    )
    anomaly_refusals: int = Field(
        default=10,
        gt=0,
        description="Refused questions, statements or exports by one user within the window "
        "that raise an anomaly alert.",
    )
    anomaly_queries: int = Field(
        default=300,
        gt=0,
        description="Questions and statements by one user within the window that raise an "
        "anomaly alert.",
    )
    working_hours: tuple[int, int] = Field(
        default=(8, 20),
        description="The bank's working hours (UTC+8) as a JSON list [start hour, end hour], "
        "Monday to Friday; an export outside them raises an anomaly alert.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # arguments, then ASKER_<NAME>, then ASKER_<NAME>_FILE
        return init_settings, env_settings, SecretFiles(settings_cls), dotenv_settings

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
