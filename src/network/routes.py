"""Every route of the app, API and pages, registered in one place.

Entry points only: each domain's API controllers (``controllers.py``) and page
controllers (``pages.py``). :func:`route_handlers` is what ``create_app`` serves.
"""

from __future__ import annotations

from litestar import Router
from litestar.types import ControllerRouterHandler

from network.accounts.controllers import (
    DevLoginController,
    SessionController,
    TokenController,
    UserController,
)
from network.accounts.guards import ACTION_KEY
from network.accounts.oidc_controllers import OidcController
from network.accounts.pages import AdminPages
from network.agreements.controllers import AgreementController
from network.agreements.pages import AgreementPages
from network.audit.controllers import AuditController, ReviewController
from network.audit.pages import AuditPages
from network.conferences.controllers import ConferenceController
from network.conferences.pages import ConferencePages
from network.consultations.controllers import (
    BookingController,
    ConsultationController,
    ResponseTimeController,
    RoundController,
    SettlementController,
)
from network.consultations.pages import ConsultationPages, RoundPages
from network.coverage.controllers import CoverageController, WorkforceController
from network.coverage.pages import CoveragePages
from network.directory.controllers import DirectoryController
from network.engagements.controllers import EngagementController
from network.engagements.pages import EngagementPages
from network.kernel.policy import Action
from network.mentoring.controllers import MentoringController
from network.mentoring.pages import MentoringPages
from network.notifications.controllers import InboxPage, NotificationController
from network.peers.controllers import PeerController
from network.peers.pages import PeerPages
from network.server.health import HealthController
from network.specialists.controllers import (
    CalendarFeedController,
    CalendarFeedPublic,
    MyCalendarFeedController,
    SpecialistController,
    SpecialistEditController,
    WorkPointsController,
)
from network.specialists.pages import MyCalendarPage, SpecialistPages
from network.standing.controllers import StandingController
from network.standing.pages import StandingPages
from network.web import STATIC_ROUTER
from network.web.pages import StartPage

__all__ = ("API", "PAGES", "route_handlers")

API: tuple[ControllerRouterHandler, ...] = (
    HealthController,
    DirectoryController,
    SpecialistController,
    SpecialistEditController,
    WorkPointsController,
    BookingController,
    ConsultationController,
    SettlementController,
    ResponseTimeController,
    RoundController,
    CoverageController,
    WorkforceController,
    AgreementController,
    MentoringController,
    ConferenceController,
    StandingController,
    EngagementController,
    PeerController,
    CalendarFeedController,
    CalendarFeedPublic,
    MyCalendarFeedController,
    SessionController,
    TokenController,
    UserController,
    AuditController,
    ReviewController,
    NotificationController,
)

PAGES: tuple[ControllerRouterHandler, ...] = (
    StartPage,
    AdminPages,
    AuditPages,
    InboxPage,
    SpecialistPages,
    MyCalendarPage,
    ConsultationPages,
    RoundPages,
    CoveragePages,
    AgreementPages,
    MentoringPages,
    ConferencePages,
    StandingPages,
    EngagementPages,
    PeerPages,
    Router(path="/", route_handlers=[STATIC_ROUTER], opt={ACTION_KEY: Action.PUBLIC}),
)


def route_handlers(*, dev_sign_in: bool, oidc: bool) -> list[ControllerRouterHandler]:
    """The app's routes: the API and the pages, the demo sign-in in dev, and the
    OpenID Connect sign-in when a provider is configured."""
    handlers = [*API, *PAGES]
    if dev_sign_in:
        handlers.append(DevLoginController)
    if oidc:
        handlers.append(OidcController)
    return handlers
