"""The API of sharing agreements: read by anyone signed in, kept by coordinators."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.agreements import services
from network.agreements.schemas import AgreementEnd, AgreementIn, AgreementOut, AgreementStatus
from network.kernel.policy import Action

__all__ = ("AgreementController",)

AnyRequest = Request[Any, Any, Any]


class AgreementController(Controller):
    path = "/api/v1/agreements"
    tags = ["agreements"]

    @get("/", operation_id="listAgreements", opt={ACTION_KEY: Action.SIGNED_IN})
    async def list_agreements(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Annotated[str | None, QueryParameter(pattern=r"^\d{2}$")] = None,
        municipality: Annotated[str | None, QueryParameter(pattern=r"^\d{4}$")] = None,
        status: Annotated[AgreementStatus | None, QueryParameter()] = None,
    ) -> list[AgreementOut]:
        """Sharing agreements, optionally those touching a county or a municipality, or in
        one status (upcoming, active, ended) today."""
        return await services.list_agreements(
            ctx.principal, county=county, municipality=municipality, status=status
        )

    @get("/{agreement_id:int}", operation_id="getAgreement", opt={ACTION_KEY: Action.SIGNED_IN})
    async def get_agreement(
        self, ctx: Ctx, request: AnyRequest, agreement_id: FromPath[int]
    ) -> AgreementOut:
        """One agreement with its members, areas and validity."""
        return await services.get_agreement(ctx.principal, agreement_id)

    @post("/", operation_id="createAgreement", opt={ACTION_KEY: Action.AGREEMENT_MANAGE})
    async def create(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[AgreementIn]
    ) -> AgreementOut:
        """A new agreement; every party must lie in your scope as coordinator."""
        return await services.create_agreement(ctx, data)

    @put(
        "/{agreement_id:int}",
        operation_id="updateAgreement",
        opt={ACTION_KEY: Action.AGREEMENT_MANAGE},
    )
    async def update(
        self,
        ctx: Ctx,
        request: AnyRequest,
        agreement_id: FromPath[int],
        data: JSONBody[AgreementIn],
    ) -> AgreementOut:
        """Replace an agreement's terms (members, areas, form, scope, validity)."""
        return await services.update_agreement(ctx, agreement_id, data)

    @post(
        "/{agreement_id:int}/end",
        operation_id="endAgreement",
        opt={ACTION_KEY: Action.AGREEMENT_MANAGE},
        status_code=200,
    )
    async def end(
        self,
        ctx: Ctx,
        request: AnyRequest,
        agreement_id: FromPath[int],
        data: JSONBody[AgreementEnd],
    ) -> AgreementOut:
        """End an agreement on a given last day (today when left out)."""
        return await services.end_agreement(ctx, agreement_id, data)
