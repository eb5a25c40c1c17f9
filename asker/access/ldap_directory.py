"""Password sign-in against the bank's LDAP / Active Directory (ldap3): bind as the user with the
password typed, then read the user's entry (org unit, employee id, name, ``memberOf``) and the
groups naming them as a member, as that user. The directory decides whether the password is
right; the policy's ``directory`` mapping decides the role (``asker.access.directory``).

An empty password is refused before any bind: LDAP treats it as an anonymous bind that
"succeeds" (RFC 4513 §5.1.2). The user name is escaped for both the DN and the search filter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ldap3 import NONE, SUBTREE, Connection, Server
from ldap3.core.exceptions import LDAPException, LDAPSocketOpenError
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from asker.access.directory import (
    DirectoryEntry,
    DirectoryMapping,
    first_value,
    group_names,
    principal_from,
)
from asker.errors import AccessDenied, ConfigError
from asker.types import Principal


@dataclass(frozen=True)
class LdapDirectory:
    """Where the directory is and how its users and groups are found (the ``ldap_*`` settings)."""

    url: str
    user_dn: str  # "uid={user},ou=people,dc=bank,dc=local" or "{user}@bank.local"
    base_dn: str
    user_filter: str = "(uid={user})"
    group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    timeout_s: float = 5.0

    def bind_name(self, user: str) -> str:
        as_rdn = "=" in self.user_dn.split("{user}", 1)[0]
        return self.user_dn.replace("{user}", escape_rdn(user) if as_rdn else user)

    def entry(self, user: str, password: str, mapping: DirectoryMapping) -> DirectoryEntry:
        """What the directory says about ``user`` when ``password`` binds; LOGIN_FAILED when it
        does not, DIRECTORY_UNAVAILABLE when the server cannot be reached."""
        if not user or not password or any(c in user for c in "\0\n\r"):
            raise AccessDenied("LOGIN_FAILED")
        server = Server(self.url, connect_timeout=self.timeout_s, get_info=NONE)
        con = Connection(
            server,
            user=self.bind_name(user),
            password=password,
            read_only=True,
            receive_timeout=math.ceil(self.timeout_s),  # ldap3 packs it as whole seconds
            raise_exceptions=False,
        )
        try:
            if not con.bind():
                if con.result.get("description") == "invalidCredentials":
                    raise AccessDenied("LOGIN_FAILED")
                raise ConfigError(
                    "DIRECTORY_UNAVAILABLE",
                    server=self.url,
                    detail=str(con.result.get("description", "bind failed")),
                )
            return self._read(con, user, mapping)
        except LDAPSocketOpenError as exc:
            raise ConfigError("DIRECTORY_UNAVAILABLE", server=self.url, detail="connect") from exc
        except LDAPException as exc:
            raise ConfigError(
                "DIRECTORY_UNAVAILABLE", server=self.url, detail=type(exc).__name__
            ) from exc
        finally:
            con.unbind()

    def _read(self, con: Connection, user: str, mapping: DirectoryMapping) -> DirectoryEntry:
        wanted = [mapping.org_attribute, mapping.emp_attribute, mapping.name_attribute, "memberOf"]
        found = con.search(
            self.base_dn,
            self.user_filter.replace("{user}", escape_filter_chars(user)),
            search_scope=SUBTREE,
            attributes=wanted,
            size_limit=2,
        )
        if not found or len(con.entries) != 1:  # bound, yet no single entry to read: no role
            return DirectoryEntry(groups=(), org_id=None)
        record = con.entries[0]
        values = record.entry_attributes_as_dict
        dn = record.entry_dn
        groups = list(group_names(values.get("memberOf", [])))
        con.search(
            self.base_dn,
            self.group_filter.replace("{dn}", escape_filter_chars(dn)),
            search_scope=SUBTREE,
            attributes=["cn"],
        )
        for group in con.entries:
            groups += group_names([group.entry_dn])
        return DirectoryEntry(
            groups=tuple(dict.fromkeys(groups)),
            org_id=first_value(values.get(mapping.org_attribute)),
            emp_id=first_value(values.get(mapping.emp_attribute)),
            display_name=first_value(values.get(mapping.name_attribute)),
        )

    def principal(self, user: str, password: str, mapping: DirectoryMapping) -> Principal:
        return principal_from(mapping, user, self.entry(user, password, mapping))
