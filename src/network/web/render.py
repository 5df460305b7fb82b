"""Rendering a page: the template in the request's language, with what every page
needs (who is signed in, their unread notifications, the language switch)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template

from network.accounts.guards import current_principal
from network.notifications.services import unread_count
from network.web.i18n import LANGUAGES, negotiate, translator

__all__ = ("other_language_url", "render")

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


async def render(request: Request[Any, Any, Any], template_name: str, **context: Any) -> Template:
    """A template in the request's language; ``?lang=`` also remembers the choice."""
    query_lang = request.query_params.get("lang")
    language = negotiate(query_lang, request.cookies, request.headers.get("accept-language"))
    cookies = []
    if query_lang in LANGUAGES:
        cookies.append(
            Cookie(
                key="lang",
                value=language,
                max_age=LANG_COOKIE_MAX_AGE,
                samesite="lax",
                secure=True,
                httponly=True,
                path="/",
            )
        )
    principal = await current_principal(request)
    unread = 0
    if principal is not None:
        unread = await unread_count(principal.user_id)
    return Template(
        template_name=template_name,
        context={
            **translator(language).context(),
            "principal": principal,
            "unread": unread,
            "path": request.url.path,
            "lang_switch_url": other_language_url(request, language),
            "sign_in_url": request.app.state.get("sign_in_url"),
            **context,
        },
        cookies=cookies,
        # The language depends on these request headers: shared caches must key on them.
        headers={"Vary": "Accept-Language, Cookie"},
    )


def other_language_url(request: Request[Any, Any, Any], language: str) -> str:
    """The same page in the other language, its other query parameters kept. A page
    shown in answer to a form (a refusal) has no address of its own to fetch again:
    the switch goes to the page the form was on (the same-origin Referer), else home."""
    switch = ("lang", "en" if language == "sv" else "sv")
    if request.method == "GET":
        other = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        return f"{request.url.path}?{urlencode([*other, switch])}"
    referer = urlsplit(request.headers.get("referer", ""))
    same_origin = referer.netloc in ("", request.url.netloc) and referer.path.startswith("/")
    path = referer.path if same_origin and not referer.path.startswith("//") else "/"
    return f"{path}?{urlencode([switch])}"
