"""The user named by the bank's own reverse proxy or portal (统一数据门户), in signed headers.

Accepted only when the connection comes from one of the configured proxy addresses (the TCP
peer, never ``X-Forwarded-For``, which anyone can write) AND the headers carry a valid
HMAC-SHA256 signature under the shared secret, made no more than ``max_age_s`` ago. The proxy
sends (values percent-encoded UTF-8, so 中文 names pass through HTTP headers)::

    X-Asker-User, X-Asker-Groups (comma-separated), X-Asker-Org, X-Asker-Emp, X-Asker-Name,
    X-Asker-Timestamp (Unix seconds),
    X-Asker-Signature = hex(HMAC-SHA256(secret, "\\n".join(
        [timestamp, user, groups, org, emp, name])))

where each value in the signed text is the header exactly as sent (still percent-encoded).
Groups become a role and the rest the principal through the policy's ``directory`` mapping.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from asker.access.directory import DirectoryEntry, DirectoryMapping, principal_from
from asker.errors import AccessDenied
from asker.types import Principal

FIELDS = ("X-Asker-User", "X-Asker-Groups", "X-Asker-Org", "X-Asker-Emp", "X-Asker-Name")
TIMESTAMP = "X-Asker-Timestamp"
SIGNATURE = "X-Asker-Signature"


@dataclass(frozen=True)
class TrustedProxies:
    """The proxies allowed to name the user, the shared secret and the replay window."""

    proxies: tuple[str, ...]
    secret: str
    max_age_s: int = 60
    now: Callable[[], float] = time.time

    def allows(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in ipaddress.ip_network(p, strict=False) for p in self.proxies)

    def principal(
        self, peer: str, headers: Mapping[str, str], mapping: DirectoryMapping
    ) -> Principal:
        """The principal the headers name; HEADER_REFUSED when the peer is not a configured
        proxy, the signature is missing or wrong, or the timestamp is outside the window."""
        if not self.allows(peer):
            raise AccessDenied(
                "HEADER_REFUSED", peer=peer, reason="不是已配置的代理 not a configured proxy"
            )
        lower = {k.lower(): v for k, v in headers.items()}
        values = [lower.get(name.lower(), "") for name in FIELDS]
        stamp = lower.get(TIMESTAMP.lower(), "")
        signature = lower.get(SIGNATURE.lower(), "")
        signed = "\n".join([stamp, *values]).encode("utf-8")
        expected = hmac.new(self.secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
        if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
            raise AccessDenied("HEADER_REFUSED", peer=peer, reason="签名不符 bad signature")
        try:
            age = self.now() - int(stamp)
        except ValueError:
            age = float("inf")
        if abs(age) > self.max_age_s:
            raise AccessDenied("HEADER_REFUSED", peer=peer, reason="时间戳过期 stale timestamp")
        user, groups, org, emp, name = (unquote(v) for v in values)
        if not user:
            raise AccessDenied("HEADER_REFUSED", peer=peer, reason="没有用户名 no user")
        entry = DirectoryEntry(
            groups=tuple(g.strip() for g in groups.split(",") if g.strip()),
            org_id=org or None,
            emp_id=emp or None,
            display_name=name or None,
        )
        return principal_from(mapping, user, entry)
