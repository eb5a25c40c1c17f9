"""A real LDAP directory for tests: Debian's ``slapd`` on 127.0.0.1, once per test run, shared by
the xdist workers (``tests.shared_servers``); a pytest plugin.

``ldap_directory`` is ``{"url", "base", "user_dn"}`` of a directory holding the people and groups
of ``PEOPLE`` (their passwords in ``PASSWORDS``): ``ou=people`` with ``inetOrgPerson`` entries
(``departmentNumber`` is the org unit, ``employeeNumber`` the employee id) and ``ou=groups``
with ``groupOfNames``. Without ``/usr/sbin/slapd`` the tests are skipped, or fail with CI=true.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ldap3 import Connection, Server

from tests.shared_servers import free_port, shared, stop, unavailable, wait_for

SLAPD = Path(os.environ.get("ASKER_TEST_SLAPD", "/usr/sbin/slapd"))
SCHEMA = Path("/etc/ldap/schema")
BASE = "dc=bank,dc=test"
USER_DN = "uid={user},ou=people," + BASE

# user: (display name, org unit or None, employee id or None, groups)
PEOPLE: dict[str, tuple[str, str | None, str | None, tuple[str, ...]]] = {
    "wu.lei": ("吴磊", "B05", None, ("asker-branch-managers", "all-staff")),
    "he.yun": ("何云", "HQ", None, ("all-staff", "asker-visitors")),
    "ma.lin": ("马琳", None, None, ("asker-hq-analysts",)),
    "fang.hua": ("方华", "HQ", None, ("asker-hq-analysts", "all-staff")),
}
PASSWORDS = {user: f"{user}-Pw-2026!" for user in PEOPLE}

CONFIG = """include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
pidfile {home}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "{base}"
rootdn "cn=admin,{base}"
rootpw {rootpw}
directory {home}/db
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""


def _start(home: Path) -> dict[str, Any]:
    if not SLAPD.is_file() or not (SCHEMA / "inetorgperson.schema").is_file():
        unavailable("LDAP", f"no {SLAPD} or its schema", "apt-get install slapd ldap-utils")
    rootpw = secrets.token_urlsafe(16)
    (home / "db").mkdir()
    conf = home / "slapd.conf"
    conf.write_text(
        CONFIG.format(schema=SCHEMA, home=home, base=BASE, rootpw=rootpw), encoding="utf-8"
    )
    url = f"ldap://127.0.0.1:{free_port()}"
    with (home / "slapd.log").open("w") as log:
        process = subprocess.Popen(
            [str(SLAPD), "-f", str(conf), "-h", f"{url}/", "-d", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    admin = f"cn=admin,{BASE}"

    def bound() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited: {(home / 'slapd.log').read_text()[-2000:]}")
        con = Connection(Server(url, connect_timeout=1), admin, rootpw)
        try:
            return bool(con.bind())
        except Exception:
            return False
        finally:
            con.unbind()

    try:
        wait_for(bound, "slapd")
        _populate(url, admin, rootpw)
    except BaseException:
        stop(process.pid)
        raise
    return {"url": url, "base": BASE, "user_dn": USER_DN, "pid": process.pid}


def _populate(url: str, admin: str, rootpw: str) -> None:
    con = Connection(Server(url), admin, rootpw, auto_bind=True, raise_exceptions=True)
    con.add(BASE, ["dcObject", "organization"], {"o": "Test Bank", "dc": "bank"})
    for unit in ("people", "groups"):
        con.add(f"ou={unit},{BASE}", ["organizationalUnit"], {"ou": unit})
    members: dict[str, list[str]] = {}
    for user, (name, org, emp, groups) in PEOPLE.items():
        attributes: dict[str, Any] = {
            "uid": user,
            "cn": name,
            "sn": name[0],
            "displayName": name,
            "userPassword": PASSWORDS[user],
        }
        if org:
            attributes["departmentNumber"] = org
        if emp:
            attributes["employeeNumber"] = emp
        dn = USER_DN.format(user=user)
        con.add(dn, ["inetOrgPerson"], attributes)
        for group in groups:
            members.setdefault(group, []).append(dn)
    for group, dns in members.items():
        con.add(f"cn={group},ou=groups,{BASE}", ["groupOfNames"], {"cn": group, "member": dns})
    con.unbind()


@pytest.fixture(scope="session")
def ldap_directory(request: pytest.FixtureRequest) -> dict[str, Any]:
    if shutil.which(str(SLAPD)) is None and not SLAPD.is_file():
        unavailable("LDAP", f"no {SLAPD}", "apt-get install slapd ldap-utils")
    found: dict[str, Any] = shared(request.config, "slapd", _start)
    return found
