"""Through the app: the API documentation at /schema loads only the app's own files
(the vendored Scalar and a script of our own, no inline script, no CDN), so the
Content-Security-Policy allows it and it works offline (issue 21, item 8)."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.server.security import API_DOCS_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.I)


@pytest.mark.parametrize("path", ["/schema", "/schema/scalar"])
def test_the_docs_page_uses_only_the_apps_own_files(
    client: TestClient[Litestar], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    scripts = _SCRIPT.findall(html)
    assert scripts, "the page loads Scalar"
    for attributes, body in scripts:
        assert not body.strip(), f"inline script: {body[:80]!r}"
        sources = _URL.findall(attributes)
        assert len(sources) == 1, attributes
    assert not re.search(r"<style\b", html, re.I), "inline style"
    for url in _URL.findall(html):
        assert re.match(r"/[^/]", url), f"not same-origin: {url}"
    sources = [_URL.findall(attributes)[0] for attributes, _ in scripts]
    assert sources == ["/static/vendor/scalar/standalone.js", "/static/js/api-docs.js"]
    for source in sources:
        assert client.get(source).status_code == 200, source
    # The script finds the document through a data attribute, which names a real one.
    spec_url = re.search(r'data-openapi-url="([^"]+)"', html)
    assert spec_url is not None
    assert client.get(spec_url.group(1)).json()["info"]["title"] == "Specialistnätet API"


def test_only_the_docs_pages_allow_run_time_styles(client: TestClient[Litestar]) -> None:
    docs = client.get("/schema").headers["content-security-policy"]
    assert docs == API_DOCS_CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in docs  # scripts: the app's own files only, still
    assert "style-src 'self' 'unsafe-inline'" in docs
    for path in ("/schema/openapi.json", "/", "/health", "/schemas", "/no/such/page"):
        assert client.get(path).headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
