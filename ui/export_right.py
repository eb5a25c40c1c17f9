"""Every route out of the page follows the role's export right (查导分离).

The grids' own CSV download and clipboard copy are off for everyone (``client.disableDataExport``,
set by ``asker serve`` and .streamlit/config.toml, and again here): the only download is the
audited export under an answer. The chart and table toolbars' remaining routes out (Download as
PNG, Copy Vega-Lite spec) are hidden per session; a role without the export right gets no element
toolbar at all. Every signed-in page carries a watermark with the user and the time.
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import streamlit as st

from asker.types import Principal

BANK_TIME_ZONE = ZoneInfo("Asia/Shanghai")

# Toolbar buttons carry their label as aria-label ("Download as PNG", "Download as PNG: <alt>").
ROUTES_OUT = (
    '[data-testid="stElementToolbarButton"]:has(button[aria-label^="Download"])',
    '[data-testid="stElementToolbarButton"]:has(button[aria-label^="Copy"])',
)
NO_EXPORT_RIGHT = ('[data-testid="stElementToolbar"]',)


def hidden_routes(can_export: bool) -> tuple[str, ...]:
    """The CSS selectors of the controls this session must not offer."""
    return ROUTES_OUT if can_export else (*ROUTES_OUT, *NO_EXPORT_RIGHT)


def watermark_text(who: Principal, now: dt.datetime | None = None) -> str:
    """'li.na 2026-12-07 18:03:54': the user and the bank's local time, to the second."""
    moment = (now or dt.datetime.now(BANK_TIME_ZONE)).astimezone(BANK_TIME_ZONE)
    return f"{who.user_id} {moment:%Y-%m-%d %H:%M:%S}"


def guard_page(who: Principal, can_export: bool) -> None:
    """Hide the routes out the role may not use and lay the watermark over the page."""
    st.set_option("client.disableDataExport", True)
    hide = ",".join(hidden_routes(can_export))
    mark = html.escape(watermark_text(who))
    tiles = "".join(f"<span>{mark}</span>" for _ in range(24))
    st.html(
        f"""<style>
{hide} {{ display: none !important; }}
.asker-watermark {{ position: fixed; inset: 0; pointer-events: none; z-index: 999990;
  display: flex; flex-wrap: wrap; gap: 120px 160px; padding: 60px; overflow: hidden;
  transform: rotate(-18deg) scale(1.3); opacity: 0.07; font-size: 15px; color: #000;
  user-select: none; }}
</style><div class="asker-watermark" data-testid="asker-watermark"
  aria-hidden="true">{tiles}</div>"""
    )
