"""Pages for sharing agreements: the list everyone may read, and the forms with which
coordinators create, change and end them (plain HTML forms, no script needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.agreements import services
from network.agreements.schemas import AgreementEnd, AgreementIn, AgreementOut, AgreementStatus
from network.directory.services import list_areas, list_counties
from network.kernel.policy import Action, Principal, visible_scope
from network.lib.clock import today
from network.lib.errors import DomainError, Forbidden
from network.lib.vocab import N_, AgreementScope, LegalForm
from network.web.forms import form_lists, refused, to_struct
from network.web.parties import parties_from_form, party_choices
from network.web.render import render

__all__ = ("AgreementPages",)

# The success banner after a save: ``?notice=<key>`` on the agreement's page.
NOTICES = {
    "created": N_("The agreement is saved."),
    "updated": N_("The changes are saved."),
    "ended": N_("The agreement is ended."),
}

AnyRequest = Request[Any, Any, Any]
LISTS = ("municipalities", "areas")


def agreement_from_form(form: dict[str, Any]) -> AgreementIn:
    """The agreement form as the API's Struct (the same validation, the field named)."""
    return to_struct(
        {
            "name": form.get("name", ""),
            "legal_form": form.get("legal_form") or LegalForm.AGREEMENT,
            "scope": form.get("scope") or AgreementScope.CONSULTATION,
            **parties_from_form(form),
            "areas": form.get("areas", []),
            "valid_from": form.get("valid_from", ""),
            "valid_to": form.get("valid_to") or None,
        },
        AgreementIn,
    )


def form_of(agreement: AgreementOut) -> dict[str, Any]:
    """An agreement as the values of its form."""
    return {
        "name": agreement.name,
        "legal_form": agreement.legal_form.value,
        "scope": agreement.scope.value,
        "kind": "county" if agreement.county else "members",
        "county": agreement.county or "",
        "municipalities": [m.code for m in agreement.municipalities],
        "areas": agreement.areas,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_to": agreement.valid_to.isoformat() if agreement.valid_to else "",
    }


def _status(value: str | None) -> AgreementStatus | None:
    try:
        return AgreementStatus(value) if value else None
    except ValueError:
        return None


class AgreementPages(Controller):
    path = "/agreements"
    include_in_schema = False

    @get("/", name="agreements", opt={ACTION_KEY: Action.SIGNED_IN})
    async def index(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Annotated[str | None, QueryParameter(max_length=2)] = None,
        status: Annotated[str | None, QueryParameter(max_length=16)] = None,
    ) -> Template:
        """Every sharing agreement, filtered by county and status."""
        counties = await list_counties()
        chosen = county if county in {c.code for c in counties} else None
        agreements = await services.list_agreements(
            ctx.principal, county=chosen, status=_status(status)
        )
        return await render(
            request,
            "agreements/index.html.j2",
            agreements=agreements,
            counties=counties,
            county=chosen,
            status=_status(status),
            statuses=list(AgreementStatus),
            may_create=not visible_scope(ctx.principal, Action.AGREEMENT_MANAGE).empty,
        )

    async def _form_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        *,
        agreement: AgreementOut | None,
        form: dict[str, Any],
        error: DomainError | None = None,
        notice: str | None = None,
    ) -> Template:
        template = await render(
            request,
            "agreements/form.html.j2",
            agreement=agreement,
            form=form,
            error=error,
            notice=notice,
            **await party_choices(ctx.principal, Action.AGREEMENT_MANAGE),
            manage=True,
            areas=await list_areas(),
            legal_forms=[f.value for f in LegalForm],
            scopes=[s.value for s in AgreementScope],
            today=today().isoformat(),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/new", name="agreement-new", opt={ACTION_KEY: Action.AGREEMENT_MANAGE})
    async def new(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The form for a new agreement."""
        form = {"kind": "members", "valid_from": today().isoformat()}
        return await self._form_page(ctx, request, agreement=None, form=form)

    async def _submit(
        self,
        ctx: Ctx,
        request: AnyRequest,
        agreement_id: int | None,
        action: Callable[[Principal, dict[str, Any]], Awaitable[AgreementOut]],
        *,
        notice: str,
    ) -> Template | Redirect:
        agreement = None
        if agreement_id is not None:
            try:
                agreement = await services.get_agreement(ctx.principal, agreement_id)
            except DomainError as error:
                return await refused(request, error)
        form = await form_lists(request, *LISTS)
        try:
            saved = await action(ctx.principal, form)
        except Forbidden as error:
            return await refused(request, error)
        except DomainError as error:
            shown = {**form_of(agreement), **form} if agreement is not None else form
            return await self._form_page(ctx, request, agreement=agreement, form=shown, error=error)
        return Redirect(f"/agreements/{saved.id}?notice={notice}", status_code=303)

    @post("/new", name="agreement-create-form", opt={ACTION_KEY: Action.AGREEMENT_MANAGE})
    async def create(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        async def run(principal: Principal, form: dict[str, Any]) -> AgreementOut:
            return await services.create_agreement(ctx, agreement_from_form(form))

        return await self._submit(ctx, request, None, run, notice="created")

    @get("/{agreement_id:int}", name="agreement-page", opt={ACTION_KEY: Action.SIGNED_IN})
    async def page(self, ctx: Ctx, request: AnyRequest, agreement_id: FromPath[int]) -> Template:
        """One agreement; its coordinators also get the forms to change or end it."""
        try:
            agreement = await services.get_agreement(ctx.principal, agreement_id)
        except DomainError as error:
            return await refused(request, error)
        notice = NOTICES.get(request.query_params.get("notice", ""))
        if agreement.may_manage:
            return await self._form_page(
                ctx, request, agreement=agreement, form=form_of(agreement), notice=notice
            )
        return await render(
            request,
            "agreements/form.html.j2",
            agreement=agreement,
            form={},
            manage=False,
            areas=await list_areas(),
            notice=notice,
        )

    @post(
        "/{agreement_id:int}",
        name="agreement-update-form",
        opt={ACTION_KEY: Action.AGREEMENT_MANAGE},
    )
    async def update(
        self, ctx: Ctx, request: AnyRequest, agreement_id: FromPath[int]
    ) -> Template | Redirect:
        async def run(principal: Principal, form: dict[str, Any]) -> AgreementOut:
            return await services.update_agreement(ctx, agreement_id, agreement_from_form(form))

        return await self._submit(ctx, request, agreement_id, run, notice="updated")

    @post(
        "/{agreement_id:int}/end",
        name="agreement-end-form",
        opt={ACTION_KEY: Action.AGREEMENT_MANAGE},
    )
    async def end(
        self, ctx: Ctx, request: AnyRequest, agreement_id: FromPath[int]
    ) -> Template | Redirect:
        async def run(principal: Principal, form: dict[str, Any]) -> AgreementOut:
            data = to_struct({"valid_to": form.get("end_on") or None}, AgreementEnd)
            return await services.end_agreement(ctx, agreement_id, data)

        return await self._submit(ctx, request, agreement_id, run, notice="ended")
