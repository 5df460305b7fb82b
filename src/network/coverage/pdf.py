"""A page of HTML as PDF, with WeasyPrint (its own layout engine: no browser needed).

WeasyPrint needs Pango and HarfBuzz from the system (Debian: ``libpango-1.0-0``,
``libpangoft2-1.0-0``, ``libharfbuzz0b``; ``infra/test-services`` installs them).
Rendering takes a second or so: it runs in a worker thread.
"""

from __future__ import annotations

import anyio.to_thread
from weasyprint import HTML

__all__ = ("html_to_pdf",)


async def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of ``html``; ``base_url`` resolves its relative links (none needed when
    the styles are inline)."""

    def write() -> bytes:
        found: bytes = HTML(string=html, base_url=base_url).write_pdf()
        return found

    return await anyio.to_thread.run_sync(write)
