"""Plain HTML forms: reading them, turning them into the API's Structs (so the same
validation applies, with the field named), and the page shown when an action is refused."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.response import Template

from network.lib.deidentified import require_no_identity_numbers
from network.lib.errors import DomainError, InvalidInput
from network.web.render import render

__all__ = ("form_fields", "form_lists", "refused", "to_struct")

T = TypeVar("T")


async def form_fields(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The submitted form as plain strings (the last value of a repeated field)."""
    raw = await request.form()
    return {key: str(raw.get(key)) for key in raw}


async def form_lists(request: Request[Any, Any, Any], *names: str) -> dict[str, Any]:
    """The submitted form as plain strings, with every value of the fields ``names``
    (checkboxes, multiple selects) as a list."""
    raw = await request.form()
    found: dict[str, Any] = {key: str(raw.get(key)) for key in raw}
    for name in names:
        found[name] = [str(value) for value in raw.getall(name, [])]
    return found


def to_struct(
    data: dict[str, Any], kind: type[T], *, case_texts: frozenset[str] = frozenset()
) -> T:
    """``data`` as the API Struct ``kind``; a validation error names the field.

    Every text in ``data`` is refused when it holds a personal identity or coordination
    number, as in any JSON body (routes marked ``FORM_CHECKED`` rely on this); the
    fields named in ``case_texts`` when they hold personal data of any kind, all
    findings in one refusal."""
    require_no_identity_numbers(data, case_texts=case_texts)
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as error:
        message = str(error)
        where = re.search(r"at `\$\.([^`]+)`", message)
        raise InvalidInput(message.split(" - at ")[0], field=where[1] if where else None) from None


async def refused(request: Request[Any, Any, Any], error: DomainError) -> Template:
    """The error page for an action that cannot be done, with its status code."""
    template = await render(request, "error.html.j2", error=error)
    template.status_code = error.status_code
    return template
