"""The two routes a delivery takes out of asker: mail through the bank's SMTP server to a
directory address, and a group robot's webhook (WeCom, DingTalk or Feishu JSON) on an allowed
host. A failure raises ``DeliveryFailed`` naming the channel and the error's class only (a
server's reply can quote what was sent).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

import httpx

from asker import api
from asker.api.runtime import Runtime
from asker.api.subscriptions import check_webhook
from asker.config import Settings
from asker.errors import ConfigError, ProviderError, UserFacingError
from asker.worker.compose import Message


class DeliveryFailed(ProviderError):
    """One attempt failed; the delivery is retried later."""


def send_mail(settings: Settings, to: str, message: Message) -> None:
    """Mail ``message`` to ``to`` (text and HTML alternatives)."""
    if not settings.smtp_host:
        raise ConfigError("SMTP_NOT_CONFIGURED")
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = settings.smtp_from
    mail["To"] = to
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s
        ) as server:
            if settings.smtp_starttls:
                server.starttls()
            if settings.smtp_username:
                server.login(settings.smtp_username, settings.smtp_password or "")
            server.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed("DELIVERY_FAILED", channel="email", reason=type(exc).__name__) from exc


def robot_payload(kind: str, message: Message) -> dict[str, Any]:
    """The robot's JSON: WeCom and DingTalk take markdown, Feishu plain text."""
    if kind == "dingtalk":
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.subject, "text": message.markdown},
        }
    if kind == "feishu":
        return {"msg_type": "text", "content": {"text": f"{message.subject}\n{message.text}"}}
    return {"msgtype": "markdown", "markdown": {"content": message.markdown}}


def _accepted(response: httpx.Response) -> bool:
    """2xx, and the robot's own error code (errcode, code or StatusCode) is 0 when it sends one."""
    if not response.is_success:
        return False
    try:
        body = response.json()
    except ValueError:
        return True
    if not isinstance(body, dict):
        return True
    codes = [body[k] for k in ("errcode", "code", "StatusCode") if k in body]
    return all(code == 0 for code in codes)


def post_webhook(settings: Settings, url: str | None, message: Message) -> None:
    """Post ``message`` to a robot on an allowed host (refused before any connection)."""
    check_webhook(settings, url)
    assert url is not None
    payload = robot_payload(settings.webhook_format, message)
    try:
        with httpx.Client(
            timeout=settings.webhook_timeout_s, trust_env=False, follow_redirects=False
        ) as client:
            response = client.post(url, json=payload)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(
            "DELIVERY_FAILED", channel="webhook", reason=type(exc).__name__
        ) from exc
    if not _accepted(response):
        raise DeliveryFailed(
            "DELIVERY_FAILED", channel="webhook", reason=f"HTTP {response.status_code}"
        )


def to_user(rt: Runtime, user_id: str, message: Message) -> str:
    """Mail to the user's directory address, the only address mail goes to; the channel."""
    address = api.directory_email(rt, user_id)
    if address is None:
        raise UserFacingError("EMAIL_MISSING", user=user_id)
    send_mail(rt.settings, address, message)
    return "email"


def to_channel(
    rt: Runtime, user_id: str, channel: str, webhook_url: str | None, message: Message
) -> str:
    """The user's mail, or the robot's webhook; the channel taken."""
    if channel == "webhook":
        post_webhook(rt.settings, webhook_url, message)
        return "webhook"
    return to_user(rt, user_id, message)
