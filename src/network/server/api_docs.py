"""The API documentation at ``/schema``: Scalar served from ``/static``, no CDN.

Litestar's ``ScalarRenderPlugin`` asks a CDN for Scalar's script, its stylesheet
and a favicon, and writes its options as an inline script: the
Content-Security-Policy (``script-src 'self'``) blocks all of it and an offline
installation cannot reach the CDN. This page loads the vendored build
(``web/static/vendor/scalar/standalone.js``, see its ``VENDORED.md``) and
``web/static/js/api-docs.js``, which reads the document's URL from a data
attribute and starts Scalar with our options. (Not ``id="api-reference"`` nor
``data-spec-url``: Scalar's script mounts itself, with its defaults and their web
fonts, on an element named either way.) Scalar adds its styles at run time, so the pages
under ``/schema`` get a style policy of their own (``server/security.py``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import ScalarRenderPlugin

__all__ = ("API_DOCS_SCRIPT", "SCALAR_SCRIPT", "LocalScalarRenderPlugin")

SCALAR_SCRIPT = "/static/vendor/scalar/standalone.js"
API_DOCS_SCRIPT = "/static/js/api-docs.js"


class LocalScalarRenderPlugin(ScalarRenderPlugin):
    """Scalar at ``/schema`` (and ``/schema/scalar``) from the app's own files only."""

    def __init__(self) -> None:
        super().__init__(js_url=SCALAR_SCRIPT, css_url="", favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body>
<noscript>The API documentation needs JavaScript; the document itself is at
<a href="{spec_url}">{spec_url}</a>.</noscript>
<div id="api-docs" data-openapi-url="{spec_url}"></div>
<script src="{escape(self.js_url)}"></script>
<script src="{API_DOCS_SCRIPT}"></script>
</body>
</html>
""".encode()
