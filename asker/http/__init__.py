"""``asker api``: the HTTP service for the bank's portal and apps (FastAPI on uvicorn).

A thin shell over ``asker.api``, the facade the chat app and the command line call: it builds no
SQL and holds no rule of its own. ``app`` (routers per resource), ``models`` (request and
response bodies, from which the OpenAPI document is derived), ``statuses`` (an error's HTTP
status), ``logs`` (JSON log lines and the request id the audit records carry).

    uvicorn --factory asker.http.app:app_from_env   # what ``asker api`` runs
"""
