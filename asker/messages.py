"""The one catalogue of error codes: each code's Chinese and English message.

An error (``asker.errors``) renders its message from here in the asker's language. A test checks
that every code has both languages with the same parameters and is listed in the README.
"""

from __future__ import annotations

# code -> (Chinese template, English template). Templates name the problem and suggest the fix.
MESSAGES: dict[str, tuple[str, str]] = {
    # asker api: credentials, tokens and requests
    "CREDENTIALS_REQUIRED": (
        "此接口需要身份凭证：请在请求头中携带 Authorization: Bearer 令牌"
        "（用 asker tokens create --user 用户 签发）。",
        "This endpoint needs credentials: send the header Authorization: Bearer TOKEN "
        "(issue one with asker tokens create --user USER).",
    ),
    "TOKEN_INVALID": (
        "令牌无效：{reason}。API 令牌请让管理员用 asker tokens create 签发新令牌；"
        "单点登录的访问令牌请重新登录获取。",
        "The token is not valid: {reason}. For an API token, ask the administrator for a new "
        "one (asker tokens create); for a single sign-on access token, sign in again.",
    ),
    "TOKEN_NOT_FOUND": (
        "没有编号为 {token_id} 的令牌。用 asker tokens list 查看已签发的令牌。",
        "There is no token with id {token_id}. See the issued tokens with asker tokens list.",
    ),
    "TOKEN_DAYS_INVALID": (
        "令牌有效天数必须至少为 1，收到 {days}。请用 --expires-days 指定正整数。",
        "A token must be valid for at least 1 day; got {days}. "
        "Give a positive whole number with --expires-days.",
    ),
    "SERVICE_ACCOUNT_INVALID": (
        "无法创建服务账号 {user}：角色 {role} 或机构 {org} 不存在（可用角色：{roles}）。"
        "请用策略中的角色和数仓中的机构编号重试。",
        "The service account {user} cannot be created: the role {role} or the org unit {org} "
        "does not exist (roles: {roles}). Use a role of the policy and an org id of the warehouse.",
    ),
    "ACCOUNT_EXISTS": (
        "用户 {user} 已存在，其角色与机构不会被 --service-role 修改。请去掉 --service-role，"
        "或为服务账号另起一个用户名。",
        "The user {user} already exists; --service-role does not change its role or org unit. "
        "Leave --service-role out, or give the service account a name of its own.",
    ),
    "NOT_FOUND": (
        "没有找到 {what}。请检查地址中的编号，或先用列表接口查看可用的条目。",
        "{what} was not found. Check the id in the address, or list what is available first.",
    ),
    "REQUEST_INVALID": (
        "请求内容有误：字段 {field} {detail}。请按 /openapi.json 中的格式修改后重试。",
        "The request is not valid: field {field} {detail}. "
        "Fix it to match /openapi.json and send it again.",
    ),
    "REQUEST_TOO_LARGE": (
        "请求内容过大：最多 {limit} 字节（ASKER_API_MAX_BODY_BYTES）。请缩短后重试。",
        "The request body is too large: at most {limit} bytes (ASKER_API_MAX_BODY_BYTES). "
        "Send a shorter one.",
    ),
    "REQUEST_TIMEOUT": (
        "请求超过 {seconds} 秒未完成，已停止（ASKER_API_REQUEST_TIMEOUT_S）。"
        "请缩小问题范围后重试。",
        "The request did not finish within {seconds} s and was stopped "
        "(ASKER_API_REQUEST_TIMEOUT_S). Narrow the question and try again.",
    ),
    # refusals a user can act on
    "INVALID_SQL": (
        "无法解析该SQL：{detail}。请检查语法，只提交一条 SELECT 语句。",
        "The SQL could not be parsed: {detail}. Check the syntax and submit one SELECT statement.",
    ),
    "NOT_READ_ONLY": (
        "只允许只读的 SELECT 查询，收到的是 {statement}。请改写为一条 SELECT 语句。",
        "Only read-only SELECT queries may run; got {statement}. "
        "Rewrite it as one SELECT statement.",
    ),
    "MULTIPLE_STATEMENTS": (
        "一次只能执行一条语句，收到 {count} 条。请拆开分别提交。",
        "Only one statement may run at a time; got {count}. Submit them one by one.",
    ),
    "QUERY_TIMEOUT": (
        "查询超过 {seconds} 秒时限被中止。请缩小时间范围或机构范围后重试。",
        "The query was stopped after the {seconds}s time limit. "
        "Narrow the period or the org units and try again.",
    ),
    "QUERY_MEMORY": (
        "查询超出内存上限（{limit}）被中止。请缩小时间范围或机构范围，或减少返回的列后重试。",
        "The query was stopped at the memory limit ({limit}). "
        "Narrow the period or the org units, or return fewer columns, and try again.",
    ),
    "STATEMENT_TOO_COMPLEX": (
        "查询过于复杂：{what}为 {count}，上限 {limit}。请拆成几个较简单的查询后重试。",
        "The query is too complex: {what} is {count}, the limit is {limit}. "
        "Split it into simpler queries and try again.",
    ),
    "STRING_GROWTH": (
        "字符串函数 {name} 可能生成超长的值（估计 {size} 个字符，上限 {limit}）。"
        "请不要嵌套重复/填充/拼接函数，并使用较小的长度。",
        "The string function {name} could build a value that is too long "
        "(an estimated {size} characters, limit {limit}). Do not nest repeat/pad/concat "
        "functions and use smaller lengths.",
    ),
    "OFFSET_PAST_CAP": (
        "OFFSET {offset} 已超出您的行数上限 {cap}：上限之后的行不可查询。"
        "请用筛选条件缩小结果，而不是翻页。",
        "OFFSET {offset} is past your row cap of {cap}: rows after the cap cannot be read. "
        "Narrow the result with filters instead of paging.",
    ),
    "TOO_MANY_CONCURRENT": (
        "您已有 {limit} 个查询在运行。请等它们完成后再提交新的查询。",
        "You already have {limit} queries running. Wait for them to finish, then submit a new one.",
    ),
    "QUERY_FAILED": (
        "查询执行失败（{error_class}）。请检查表名、列名和函数用法后重试。",
        "The query failed to run ({error_class}). Check table, column and function names.",
    ),
    "EMPTY_INPUT": (
        "输入为空。请输入一个问题或一条 SQL 语句。",
        "The input is empty. Type a question or one SQL statement.",
    ),
    "INPUT_TOO_LONG": (
        "输入过长（{length} 个字符，上限 {limit}）。请精简后重试。",
        "The input is too long ({length} characters, limit {limit}). Shorten it and try again.",
    ),
    "QUESTION_TOO_LONG": (
        "问题过长（{length} 个字符，上限 {limit}）。请精简后重试。",
        "The question is too long ({length} characters, limit {limit}). Shorten it and try again.",
    ),
    "NOT_ANSWERABLE": (
        "{detail}这个问题无法从行内数据回答。我可以回答存款、贷款、资产质量、客户、交易、授信、营销和预算等指标，"
        "例如「上个月各分行的存款余额」「本季度不良贷款率」。",
        "{detail}This question cannot be answered from the bank's data. "
        "I can answer metrics on deposits, loans, asset quality, customers, transactions, "
        "credit, marketing and budgets, e.g. "
        "'deposit balance by branch last month' or 'NPL ratio this quarter'.",
    ),
    "LOGIN_FAILED": (
        "用户名或密码错误。请重试，或联系管理员重置密码。",
        "The user name or password is wrong. Try again, or ask the administrator to reset it.",
    ),
    "ACCOUNT_LOCKED": (
        "账户 {user} 因连续多次登录失败已被锁定，{until} 后自动解锁。"
        "请届时再试，或联系管理员解锁。",
        "The account {user} is locked after too many failed logins in a row until {until}. "
        "Try again after that time, or contact the administrator to unlock it.",
    ),
    "RATE_LIMITED": (
        "提问过于频繁：每人每分钟最多 {limit} 次。请在 {retry_after} 秒后（{retry_at}）重试；"
        "如需更高限额，请联系管理员。",
        "Too many questions: at most {limit} per minute per user. "
        "Try again in {retry_after} s (at {retry_at}); "
        "to get a higher limit, contact the administrator.",
    ),
    "DAILY_QUOTA_EXCEEDED": (
        "今日提问次数已达上限 {limit} 次。请在 {retry_at} 之后重试；如需提高额度，请联系管理员。",
        "You have used today's quota of {limit} questions. Try again after {retry_at}, "
        "or ask the administrator to raise the quota.",
    ),
    "DIRECTORY_NO_ROLE": (
        "用户 {user} 已通过目录认证，但不在权限策略映射的任何目录组中（其所在组：{groups}），"
        "因此没有数据角色。请联系管理员在权限策略的 directory.groups 中映射其目录组。",
        "User {user} was authenticated by the directory but is in none of the directory groups "
        "the policy maps to a role (their groups: {groups}), so they have no data role. Ask the "
        "administrator to map one of their groups in the policy's directory.groups.",
    ),
    "DIRECTORY_NO_ORG": (
        "目录中用户 {user} 没有机构属性 {attribute}，无法确定其数据范围，登录被拒绝。"
        "请联系目录管理员为其填写该属性。",
        "The directory holds no org unit attribute {attribute} for user {user}, so their data "
        "scope is unknown and the sign-in is refused. Ask the directory administrator to set it.",
    ),
    "DIRECTORY_UNAVAILABLE": (
        "无法连接身份目录 {server}（{detail}）。请稍后重试；若持续失败，请运维检查该地址与网络。",
        "The identity directory {server} cannot be reached ({detail}). Try again later; if it "
        "persists, ask operations to check that address and the network.",
    ),
    "DIRECTORY_NOT_MAPPED": (
        "已配置目录登录（{kind}），但权限策略 {source} 没有 directory 部分，"
        "无法把目录组映射为角色。请在权限策略中加入 directory.groups。",
        "Directory sign-in ({kind}) is configured but the policy {source} has no directory "
        "section mapping directory groups to roles. Add directory.groups to the policy.",
    ),
    "HEADER_REFUSED": (
        "拒绝来自 {peer} 的身份请求头：{reason}。只有已配置的反向代理可以签名转发用户身份。",
        "The identity header from {peer} is refused: {reason}. Only the configured reverse "
        "proxies may forward a signed user identity.",
    ),
    "UNKNOWN_USER": (
        "用户 {user} 不存在。请检查用户名，演示用户见 README。",
        "User {user} does not exist. Check the user name; the demo users are in the README.",
    ),
    "UNKNOWN_METRIC": (
        "指标字典中没有指标 {name}。您是否想问：{suggestions}？",
        "There is no metric {name} in the dictionary. Did you mean: {suggestions}?",
    ),
    "UNKNOWN_DIMENSION": (
        "没有维度 {name}。您是否想按：{suggestions}？",
        "There is no dimension {name}. Did you mean: {suggestions}?",
    ),
    "DIMENSION_NOT_ALLOWED": (
        "指标「{metric}」不能按「{dimension}」拆分。可用维度：{allowed}。",
        "The metric {metric} cannot be broken down by {dimension}. Allowed: {allowed}.",
    ),
    "ENTITY_NOT_ALLOWED": (
        "指标「{metric}」不能按{entity}逐个列出。可按{allowed}列出；或按机构等维度汇总。",
        "The metric {metric} cannot be listed per {entity}. It can be listed per: {allowed}; "
        "or aggregate it by org unit instead.",
    ),
    "THRESHOLD_INVALID": (
        "阈值条件「{threshold}」无法应用：{reason}。请检查比较对象和数值。",
        "The threshold '{threshold}' cannot be applied: {reason}. "
        "Check what it compares and the amount.",
    ),
    "COMPARE_NOT_ALLOWED": (
        "「{metric}」是期间发生额，不能与年初比较。请改用同比或环比。",
        "{metric} is a flow over the period and cannot be compared with the start of the year. "
        "Use year-on-year or month-on-month instead.",
    ),
    "PERIOD_OUT_OF_RANGE": (
        "期间 {start} 至 {end} 超出数据范围（{first} 至数据日期 {data_date}）。请换一个期间。",
        "The period {start} to {end} is outside the data ({first} to the data date {data_date}). "
        "Choose another period.",
    ),
    "ATTRIBUTION_NOT_SUPPORTED": (
        "「{metric}」按{dimension}的变化无法精确拆分：{reason}。请换一个维度或指标。",
        "The change of {metric} cannot be split exactly by {dimension}: {reason}. "
        "Choose another dimension or metric.",
    ),
    "INVALID_LIMIT": (
        "排名数量必须为正整数，收到 {limit}。",
        "The number of top results must be a positive whole number; got {limit}.",
    ),
    # the permission gate (asker/gate): what was refused and how to get access
    "ACCESS_DENIED": (
        "您的角色（{role}）无权访问 {target}。如需访问，请联系数据管理员申请权限。",
        "Your role ({role}) may not access {target}. "
        "To request access, contact the data administrator.",
    ),
    "UNKNOWN_TABLE": (
        "没有表 {name}。您是否想查：{suggestions}？",
        "There is no table {name}. Did you mean: {suggestions}?",
    ),
    "UNKNOWN_COLUMN": (
        "没有列 {name}（或列名有歧义，请加表别名）。您是否想用：{suggestions}？",
        "There is no column {name} (or it is ambiguous: prefix it with a table alias). "
        "Did you mean: {suggestions}?",
    ),
    "UNSUPPORTED_SQL": (
        "不支持的SQL写法：{construct}。请改用标准的 SELECT（连接、子查询、CTE、聚合、窗口函数）。",
        "Unsupported SQL: {construct}. Use a plain SELECT "
        "(joins, subqueries, CTEs, aggregates, window functions).",
    ),
    "FUNCTION_NOT_ALLOWED": (
        "不允许使用函数 {name}。请改用允许的聚合、日期、字符串、数值或窗口函数（见 README）。",
        "The function {name} is not allowed. Use the allowed aggregate, date, string, numeric "
        "or window functions (see the README).",
    ),
    "MASKED_COLUMN_MISUSE": (
        "脱敏列 {column} 不能用于 {usage}：脱敏列只能直接作为查询结果列输出（显示脱敏值）。"
        "如需使用明文，请联系数据管理员申请权限。",
        "The masked column {column} cannot be used in {usage}: a masked column may only be "
        "selected as an output column (shown masked). "
        "To use clear values, request access from the data administrator.",
    ),
    "DETAIL_NOT_ALLOWED": (
        "您的角色（{role}）只能查看汇总数据，不能查看明细：{construct}。"
        "请按机构、产品或日期等维度汇总后再查询；如需明细权限，请联系数据管理员申请。",
        "Your role ({role}) may see aggregates only, not detail rows: {construct}. "
        "Aggregate by org unit, product or date instead; "
        "to request detail access, contact the data administrator.",
    ),
    "AGGREGATE_NOT_ALLOWED": (
        "您的角色（{role}）只能查看至少覆盖若干客户的汇总数据，不允许：{construct}。可以改用：{allowed}。",
        "Your role ({role}) sees only aggregates that stand for enough customers; not allowed: "
        "{construct}. Use instead: {allowed}.",
    ),
    # set-up and configuration problems
    "WAREHOUSE_UNAVAILABLE": (
        "无法连接数据仓库（{engine}，主机 {host}）。请确认引擎已启动、地址和端口正确，稍后重试。",
        "The warehouse ({engine} on host {host}) cannot be reached. "
        "Check that the engine is running and the address and port are right, then try again.",
    ),
    "WAREHOUSE_URL_INVALID": (
        "数据仓库地址无效：{reason}。请使用 duckdb:///文件路径、postgresql://用户@主机:端口/库 或 "
        "sc://主机:端口。",
        "The warehouse URL is not valid: {reason}. Use duckdb:///path/file.duckdb, "
        "postgresql://user@host:port/db or sc://host:port.",
    ),
    "ENGINE_CLIENT_MISSING": (
        "未安装 {engine} 的客户端（{package}）。"
        "请安装 asker 的可选依赖：pip install 'asker[{extra}]'。",
        "The {engine} client ({package}) is not installed. "
        "Install asker's optional extra: pip install 'asker[{extra}]'.",
    ),
    "DATA_DIR_MISSING": (
        "数据目录 {path} 不存在或未初始化。请先运行 `asker init --data-dir {path}`。",
        "The data directory {path} does not exist or is not initialised. "
        "Run `asker init --data-dir {path}` first.",
    ),
    "DATA_DIR_EXISTS": (
        "数据目录 {path} 已存在。如需重建，请加 --force（原目录在新目录建好后才会被替换）。",
        "The data directory {path} already exists. Add --force to rebuild it "
        "(the old one is replaced only once the new one is complete).",
    ),
    "USER_REQUIRED": (
        "该数据目录不是演示数据目录，必须用 --user 指定用户。",
        "This data directory is not a demo data directory: name the user with --user.",
    ),
    "CATALOG_INVALID": (
        "数据目录（catalog）文件 {source} 有 {count} 个问题：\n{problems}",
        "The schema catalog {source} has {count} problem(s):\n{problems}",
    ),
    "POLICY_INVALID": (
        "权限策略 {source} 有 {count} 个问题：\n{problems}",
        "The permission policy {source} has {count} problem(s):\n{problems}",
    ),
    "DICTIONARY_INVALID": (
        "指标字典 {source} 有 {count} 个问题，未做任何更改：\n{problems}",
        "The metric dictionary {source} has {count} problem(s); nothing was changed:\n{problems}",
    ),
    "SETTING_INVALID": (
        "配置项 {name} 的值无效：{detail}。请检查环境变量 ASKER_{name_upper}。",
        "The setting {name} is invalid: {detail}. "
        "Check the environment variable ASKER_{name_upper}.",
    ),
    "BUILD_INTERRUPTED": (
        "初始化被中断，未留下不完整的数据目录。请重新运行 `asker init`。",
        "Initialisation was interrupted; no half-built data directory was left. "
        "Run `asker init` again.",
    ),
    # operating asker: upgrade, backup and restore, secrets (asker/cli/operating.py)
    "SCHEMA_OUTDATED": (
        "应用数据库的结构版本为 {revision}，本版本 asker（{version}）需要 {head}，未自动升级。"
        "请先备份（asker backup），再运行 `asker upgrade --data-dir {data_dir}`。",
        "The app database is at schema revision {revision}; this asker ({version}) needs {head} "
        "and does not upgrade it by itself. Back it up (asker backup), then run "
        "`asker upgrade --data-dir {data_dir}`.",
    ),
    "SCHEMA_NEWER": (
        "应用数据库的结构版本 {revision} 比本版本 asker（{version}，最高 {head}）更新，"
        "已被更新的 asker 升级过。请安装升级它的那个 asker 版本，或从升级前的备份恢复。",
        "The app database is at schema revision {revision}, newer than this asker ({version}, "
        "newest {head}) knows: a newer asker upgraded it. Install that asker version, or "
        "restore the backup taken before the upgrade.",
    ),
    "BACKUP_TARGET_EXISTS": (
        "备份文件 {path} 已存在，未覆盖。请换一个文件名，或先移走原文件。",
        "The backup file {path} already exists and was not overwritten. "
        "Choose another name, or move the old file away first.",
    ),
    "BACKUP_INVALID": (
        "备份文件 {path} 无法恢复：{reason}。未做任何更改。请使用 asker backup 生成的完整备份。",
        "The backup {path} cannot be restored: {reason}. Nothing was changed. "
        "Use a complete backup made by asker backup.",
    ),
    "RESTORE_TARGET_NOT_EMPTY": (
        "恢复目标目录 {path} 不是空的，未覆盖。请恢复到新目录，或确认后加 --force 替换。",
        "The restore target {path} is not empty and was not overwritten. Restore into a new "
        "directory, or add --force to replace it.",
    ),
    "BACKUP_NOT_SUPPORTED": (
        "asker backup 只备份 SQLite 应用数据库；{backend} 应用数据库请用该数据库自带的工具"
        "（PostgreSQL：pg_dump）备份，并另行备份数据目录中的 audit.key 与 audit.anchor。",
        "asker backup covers a SQLite app database only; back up a {backend} app database "
        "with its own tools (PostgreSQL: pg_dump), together with audit.key and audit.anchor "
        "from the data directory.",
    ),
    "APP_DB_UNAVAILABLE": (
        "无法打开应用数据库 {url}（{error_class}）。"
        "请检查 ASKER_APP_DB_URL（或 ASKER_APP_DB_URL_FILE）中的地址、端口、用户和密码，"
        "以及数据库是否在运行。",
        "The app database {url} cannot be opened ({error_class}). Check the address, port, user "
        "and password in ASKER_APP_DB_URL (or ASKER_APP_DB_URL_FILE), and that the database "
        "is running.",
    ),
    "SECRET_FILE_UNREADABLE": (
        "无法读取密钥文件 {path}（ASKER_{name_upper}_FILE）：{reason}。"
        "请检查该文件存在且 asker 可读。",
        "The secret file {path} (ASKER_{name_upper}_FILE) cannot be read: {reason}. "
        "Check that it exists and that asker may read it.",
    ),
    "SECRET_GIVEN_TWICE": (
        "配置项 {name} 同时由 ASKER_{name_upper} 和 ASKER_{name_upper}_FILE 给出。请只保留一个。",
        "The setting {name} is given both as ASKER_{name_upper} and as ASKER_{name_upper}_FILE. "
        "Keep only one.",
    ),
    "AUDIT_SYSLOG_URL_INVALID": (
        "审计转发地址 {url} 无效：须为 udp://主机:端口 或 tcp://主机:端口（ASKER_AUDIT_SYSLOG_URL）。",
        "The audit forwarding address {url} is not valid: use udp://host:port or tcp://host:port "
        "(ASKER_AUDIT_SYSLOG_URL).",
    ),
    "INTERNAL_ERROR": (
        "内部错误（{error_class}）。请联系管理员并提供发生时间。",
        "Internal error ({error_class}). Contact the administrator with the time it happened.",
    ),
    # the audit log (asker/audit/)
    "AUDIT_UNAVAILABLE": (
        "审计日志无法记录本次操作（{error_class}），为保证可追溯，答案不予显示。请联系管理员。",
        "The audit log could not record this action ({error_class}), so the answer is withheld. "
        "Contact the administrator.",
    ),
    "AUDIT_KEY_INVALID": (
        "审计密钥文件 {path} 无效：必须是 64 位十六进制密钥，且只有所有者可读写（chmod 600）。"
        "请从备份恢复密钥，或联系管理员。",
        "The audit key file {path} is invalid: it must hold 64 hex characters and be readable "
        "by its owner only (chmod 600). Restore the key from its backup, or contact the "
        "administrator.",
    ),
    "AUDIT_TAMPERED": (
        "审计日志校验未通过，发现 {count} 个问题：\n{problems}",
        "The audit log failed verification with {count} problem(s):\n{problems}",
    ),
    # the metric governance workflow (asker/semantic/workflow/)
    "METRIC_DRAFT_STALE": (
        "指标 {metric} 的草稿已被 {by} 修改（您基于第 {expected} 版编辑，当前为第 {current} 版），"
        "您的保存未生效。请重新打开草稿，在最新内容上再做修改。",
        "The draft of {metric} was changed by {by} (you edited revision {expected}; it is now at "
        "revision {current}), so your save was not applied. Reopen the draft and make your "
        "change again on the latest content.",
    ),
    "METRIC_DRAFT_STATE": (
        "指标 {metric} 的草稿当前状态为 {status}，此操作只适用于状态 {allowed}。"
        "请刷新后查看草稿状态。",
        "The draft of {metric} is {status}; this step applies only to {allowed}. "
        "Refresh and check the draft's status.",
    ),
    "METRIC_DRAFT_OPEN": (
        "指标 {metric} 已有一份未完成的草稿。请打开并继续编辑那份草稿，或等其审批完成。",
        "The metric {metric} already has an open draft. Open and continue that draft, "
        "or wait until it has been reviewed.",
    ),
    "METRIC_DRAFT_UNKNOWN": (
        "草稿 {draft} 不存在。请从指标页面重新打开。",
        "The draft {draft} does not exist. Open it again from the metric page.",
    ),
    "METRIC_DRAFT_INVALID": (
        "指标 {metric} 的草稿有 {count} 个问题或冲突，不能提交或发布：\n{problems}",
        "The draft of {metric} has {count} problem(s) or conflict(s) and cannot be submitted "
        "or published:\n{problems}",
    ),
    "METRIC_ROLE_REQUIRED": (
        "用户 {user} 不能执行此操作：需要权限 {right}。如需权限，请联系管理员。",
        "The user {user} cannot do this: it needs the right {right}. "
        "To get it, contact the administrator.",
    ),
    "METRIC_SELF_APPROVAL": (
        "用户 {user} 编辑过指标 {metric} 的这份草稿，不能自己审批（四眼原则）。"
        "请由另一位审批人审批。",
        "The user {user} edited this draft of {metric} and cannot review it (four-eyes rule). "
        "Ask another approver to review it.",
    ),
    "METRIC_LOCKED": (
        "指标 {metric} 是锁定的监管指标，不能修改、回滚或停用。"
        "请先由指标审批人解锁（解锁会记入审计日志）。",
        "The metric {metric} is a locked regulatory metric and cannot be edited, rolled back or "
        "deprecated. Ask a metric approver to unlock it first (the unlock is audited).",
    ),
    "METRIC_SUBQUERY_NOT_ALLOWED": (
        "指标草稿的 {field} 含有子查询（SELECT …）：指标只能聚合本表的列，子查询可读取任意列，"
        "不允许。请去掉子查询，改用本表的列、维度筛选或比率/派生指标。",
        "The draft's {field} contains a subquery (SELECT …): a metric aggregates the columns of "
        "its own table, and a subquery could read any column. Remove the subquery; use that "
        "table's columns, a dimension filter, or a ratio or derived metric.",
    ),
    "METRIC_PII_NOT_ALLOWED": (
        "指标草稿的 {field} 使用了个人信息列 {column}：指标不能以任何方式读取个人信息"
        "（包括计数、函数和筛选）。请改用非个人信息的列，例如用 cust_id 计数客户。",
        "The draft's {field} uses the PII column {column}: a metric may not read personal data "
        "in any way (counts, functions and filters included). Use a column that is not PII, "
        "such as cust_id to count customers.",
    ),
    "METRIC_FUNCTION_NOT_ALLOWED": (
        "指标草稿的 {field} 使用了权限检查不允许的函数 {name}。请改用允许的聚合、标量或日期函数"
        "（SUM、COUNT、AVG、MIN、MAX、CASE、COALESCE、ROUND、DATE_TRUNC 等）。",
        "The draft's {field} uses the function {name}, which the permission gate does not allow. "
        "Use an allowed aggregate, scalar or date function (SUM, COUNT, AVG, MIN, MAX, CASE, "
        "COALESCE, ROUND, DATE_TRUNC, ...).",
    ),
    "METRIC_EXPRESSION_REFUSED": (
        "指标草稿的 {field}（表 {table}）未通过权限检查（{reason}）。请只使用本表的列和常见的"
        "聚合、比较运算，不要使用子查询或特殊语法。",
        "The draft's {field} (table {table}) does not pass the permission gate ({reason}). Use "
        "only that table's columns with ordinary aggregates and comparisons, no subquery or "
        "special syntax.",
    ),
    "METRIC_NOT_LOCKED": (
        "指标 {metric} 当前未锁定，无需解锁。",
        "The metric {metric} is not locked: there is nothing to unlock.",
    ),
    "METRIC_COMMENT_REQUIRED": (
        "对指标 {metric} 的此操作需要填写意见或原因。请填写后重试。",
        "This step on the metric {metric} needs a comment or reason. Write one and try again.",
    ),
    "METRIC_BASE_CHANGED": (
        "指标 {metric} 的草稿基于第 {base} 版，但当前发布的是第 {current} 版，"
        "直接发布会覆盖新版本的改动。"
        "请对比两者差异，确认后点「基于最新版本」再提交。",
        "The draft of {metric} was based on version {base}, but version {current} is published "
        "now: publishing it would undo that version's changes. Compare them, then choose "
        "'rebase on the latest version' and submit again.",
    ),
    "METRIC_IN_USE": (
        "指标 {metric} 仍被指标 {users} 引用，不能停用。请先修改或停用这些指标。",
        "The metric {metric} is still used by {users} and cannot be deprecated. "
        "Change or deprecate those metrics first.",
    ),
    # operations: export, feedback review, saved questions
    "EXPORT_NOT_ALLOWED": (
        "您的角色（{role}）没有导出权限（查导分离：能查询不等于能导出）。"
        "如需导出，请联系数据管理员申请导出权限。",
        "Your role ({role}) may not export data (querying and exporting are separate rights). "
        "To request the export right, contact the data administrator.",
    ),
    "EXPORT_FORMAT_UNKNOWN": (
        "不支持的导出格式 {format}。请选择 csv 或 xlsx。",
        "Unknown export format {format}. Choose csv or xlsx.",
    ),
    "FEEDBACK_NOT_PENDING": (
        "反馈 #{item} 不存在或已审核过。请刷新待审核列表后重试。",
        "Feedback #{item} does not exist or was already reviewed. "
        "Refresh the review queue and try again.",
    ),
    "CORRECTION_REQUIRED": (
        "反馈 #{item} 没有纠正后的问题和SQL，无法转为已审核示例。"
        "请补充问题和SQL，或驳回并说明原因。",
        "Feedback #{item} has no corrected question and SQL to promote. "
        "Add both, or reject it with a reason.",
    ),
    "REASON_REQUIRED": (
        "驳回反馈时必须填写原因。请说明驳回原因后重试。",
        "Rejecting feedback needs a reason. Write why and try again.",
    ),
    "SAVED_QUESTION_NOT_FOUND": (
        "收藏的问题 #{item} 不存在，或不属于您。请刷新收藏列表。",
        "Saved question #{item} does not exist or is not yours. Refresh the list.",
    ),
    # retrieval (asker/retrieval/)
    "EMBEDDINGS_HOST_NOT_ALLOWED": (
        "向量服务地址 {url} 的主机 {host} 不在允许列表中，已拒绝连接。"
        "请把该主机加入 ASKER_EMBEDDINGS_ALLOWED_HOSTS，"
        "或不设置 ASKER_EMBEDDINGS_BASE_URL 以使用离线向量。",
        "The embeddings endpoint {url} is on host {host}, which is not on the allow-list, so it "
        "was not contacted. Add the host to ASKER_EMBEDDINGS_ALLOWED_HOSTS, or unset "
        "ASKER_EMBEDDINGS_BASE_URL to use the offline embedding.",
    ),
    "INDEX_INTERRUPTED": (
        "检索索引的重建被中断。索引仍可使用；"
        "再次运行 `asker index` 即可补齐（只重做有变化的文档）。",
        "Rebuilding the retrieval index was interrupted. The index still works; run "
        "`asker index` again to finish (only changed documents are redone).",
    ),
    "EMBEDDINGS_FAILED": (
        "向量服务 {url} 调用失败（{error_class}）。请检查服务是否可用，"
        "以及 ASKER_EMBEDDINGS_MODEL、ASKER_EMBEDDINGS_API_KEY 设置。",
        "The embeddings endpoint {url} failed ({error_class}). Check that it is up and the "
        "settings ASKER_EMBEDDINGS_MODEL and ASKER_EMBEDDINGS_API_KEY.",
    ),
    # the LLM path (asker/sql)
    "LLM_NOT_CONFIGURED": (
        "{detail}指标字典无法回答这个问题，回答字典之外的问题需要大模型，但尚未配置。"
        "请管理员设置 ASKER_LLM_BASE_URL 和 ASKER_LLM_MODEL（必要时 ASKER_LLM_API_KEY）。"
        "我现在可以回答存款、贷款、资产质量、客户、交易、授信、营销和预算等指标，例如「上个月各分行的存款余额」。",
        "{detail}The metric dictionary cannot answer this question, and questions outside it "
        "need an LLM, which is not configured. Ask the administrator to set ASKER_LLM_BASE_URL "
        "and ASKER_LLM_MODEL (and ASKER_LLM_API_KEY if needed). I can answer metrics on "
        "deposits, loans, asset quality, customers, transactions, credit, marketing and budgets, "
        "e.g. 'deposit balance by branch last month'.",
    ),
    "LLM_HOST_NOT_ALLOWED": (
        "大模型服务地址 {host} 不在允许列表中（{allowed}）。请把它加入 ASKER_LLM_ALLOWED_HOSTS，"
        "或改用允许的地址。",
        "The LLM endpoint host {host} is not on the allow-list ({allowed}). Add it to "
        "ASKER_LLM_ALLOWED_HOSTS or use an allowed endpoint.",
    ),
    "LLM_UNAVAILABLE": (
        "大模型服务暂不可用（{error_class}）。字典内的指标问题仍可回答；"
        "请稍后重试，或联系管理员检查 ASKER_LLM_BASE_URL。",
        "The LLM endpoint is unavailable ({error_class}). Dictionary questions still work; "
        "try again later, or ask the administrator to check ASKER_LLM_BASE_URL.",
    ),
    "LLM_BAD_OUTPUT": (
        "大模型的回答无法使用（{detail}）。请换个说法重试。",
        "The LLM's reply could not be used ({detail}). Rephrase the question and try again.",
    ),
    "LLM_REPAIR_EXHAUSTED": (
        "大模型 {rounds} 轮修改后生成的查询仍未通过权限与语法检查，最后的问题是：{last_issue}。"
        "请换个更具体的问法，或联系数据管理员。",
        "After {rounds} rounds of repair the model's query still fails the permission and "
        "syntax checks; the last issue: {last_issue}. Ask more specifically, or contact the "
        "data administrator.",
    ),
    "LLM_TOKEN_QUOTA_EXCEEDED": (
        "今日大模型用量已达上限（{used} / {limit} 个 token）。字典内的指标问题仍可回答；"
        "请明天再试，或请管理员提高 ASKER_LLM_DAILY_TOKEN_QUOTA。",
        "You have used today's LLM quota ({used} / {limit} tokens). Dictionary questions still "
        "work; try again tomorrow, or ask the administrator to raise "
        "ASKER_LLM_DAILY_TOKEN_QUOTA.",
    ),
    # the evaluation harness (eval/)
    "EVAL_CASES_INVALID": (
        "评测用例文件 {path} 有问题：{problems}。请按 eval/cases/README.md 的格式修正。",
        "The evaluation case file {path} has problems: {problems}. "
        "Fix it to the format of eval/cases/README.md.",
    ),
    "EVAL_SUITE_UNKNOWN": (
        "没有名为 {suite} 的评测集（在 {folder} 中找不到 {suite}_*.yaml）。请检查 --suite。",
        "There is no evaluation suite {suite} (no {suite}_*.yaml in {folder}). Check --suite.",
    ),
    "EVAL_DATASET_INVALID": (
        "外部评测数据集 {path} 无法读取：{detail}。"
        "需要 BIRD 格式的 JSON 和同目录下的 SQLite 文件。",
        "The external dataset {path} cannot be read: {detail}. It needs BIRD-style JSON and "
        "its SQLite file next to it.",
    ),
    "EVAL_LLM_NOT_CONFIGURED": (
        "llm 模式需要配置大模型接口（ASKER_LLM_BASE_URL、ASKER_LLM_MODEL），"
        "当前未配置，评测未运行。"
        "请配置后重试，或使用 --mode deterministic / oracle。",
        "The llm mode needs an LLM endpoint (ASKER_LLM_BASE_URL, ASKER_LLM_MODEL) and none is "
        "configured, so nothing was scored. Configure one, or use --mode deterministic / oracle.",
    ),
    # tell me when: subscriptions, alerts and deliveries (asker worker)
    "SUBSCRIPTION_NOT_FOUND": (
        "订阅 #{item} 不存在，或既不是您订阅的也不是您设置的。用 asker subscriptions list 查看。",
        "Subscription #{item} does not exist, or you neither receive it nor set it up. "
        "See asker subscriptions list.",
    ),
    "SCHEDULE_INVALID": (
        "不支持的推送频率 {schedule}。可选：{schedules}。",
        "The schedule {schedule} is not supported. Choose one of: {schedules}.",
    ),
    "CHANNEL_INVALID": (
        "不支持的推送渠道 {channel}。可选：{channels}。",
        "The channel {channel} is not supported. Choose one of: {channels}.",
    ),
    "WEBHOOK_URL_REQUIRED": (
        "推送到群机器人需要 webhook 地址。请用 --webhook-url 给出机器人的地址。",
        "Sending to a group robot needs its webhook address. Give it with --webhook-url.",
    ),
    "WEBHOOK_HOST_NOT_ALLOWED": (
        "webhook 主机 {host} 不在允许列表中，不会向它发送任何内容。"
        "请让管理员把该主机加入 ASKER_WEBHOOK_ALLOWED_HOSTS。",
        "The webhook host {host} is not on the allow-list, so nothing is sent to it. "
        "Ask the administrator to add it to ASKER_WEBHOOK_ALLOWED_HOSTS.",
    ),
    "EMAIL_MISSING": (
        "用户 {user} 在目录中没有邮箱地址，邮件只发往目录地址。"
        "请让管理员用 asker users set-email 登记，或改用群机器人推送。",
        "The user {user} has no e-mail address in the directory, and mail goes to the "
        "directory's address only. Ask the administrator to record one with asker users "
        "set-email, or use a group robot instead.",
    ),
    "EMAIL_INVALID": (
        "邮箱地址 {email} 格式不正确。请给出形如 name@bank.example 的地址。",
        "The e-mail address {email} is not valid. Give one like name@bank.example.",
    ),
    "SMTP_NOT_CONFIGURED": (
        "未配置邮件服务器，邮件无法发送。请设置 ASKER_SMTP_HOST（及 ASKER_SMTP_PORT）。",
        "No mail server is configured, so mail cannot be sent. Set ASKER_SMTP_HOST "
        "(and ASKER_SMTP_PORT).",
    ),
    "DELIVERY_FAILED": (
        "通过 {channel} 推送失败（{reason}），稍后会自动重试。",
        "Sending by {channel} failed ({reason}); it will be retried later.",
    ),
    "SUBSCRIBER_UNRESOLVED": (
        "订阅人 {user} 在发送时无法确认身份（已离职、账号已删除或不再属于任何映射的组），"
        "未向其发送任何内容。请检查该订阅，或用 asker subscriptions remove 停止它。",
        "The subscriber {user} could not be resolved at send time (left the bank, account "
        "removed, or no longer in a mapped group), so nothing was sent to them. Check the "
        "subscription, or stop it with asker subscriptions remove.",
    ),
    "ALERT_NOT_FOUND": (
        "预警 #{item} 不存在，或不是您设置的。用 asker alerts list 查看。",
        "Alert #{item} does not exist or is not yours. See asker alerts list.",
    ),
    "ALERT_NOT_A_NUMBER": (
        "“{question}”的答案不是一个数，无法设置阈值预警。请问一个指标的单个数值，"
        "如“成都分行不良贷款率”。",
        'The answer to "{question}" is not one number, so no threshold can watch it. '
        'Ask for one value of one metric, such as "NPL ratio of the Chengdu branch".',
    ),
    "COMPARISON_INVALID": (
        "不支持的比较方式 {comparison}。可选：{comparisons}。",
        "The comparison {comparison} is not supported. Choose one of: {comparisons}.",
    ),
    "AUDITOR_CHANNEL_MISSING": (
        "未配置审计员的接收渠道，审计预警只记录在审计页面。"
        "请设置 ASKER_AUDITOR_WEBHOOK_URL 或 ASKER_AUDITOR_EMAIL。",
        "No channel for the auditors is configured, so the audit alert is only listed on the "
        "audit page. Set ASKER_AUDITOR_WEBHOOK_URL or ASKER_AUDITOR_EMAIL.",
    ),
}
