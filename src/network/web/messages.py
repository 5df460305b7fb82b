"""The services' refusals as a page says them.

A service raises ``InvalidInput("must be after starts_at", field="ends_at")``: plain
English for API clients, naming its fields. A page must say it in its own language
and without internal names, so each text a service refuses with maps here to a
sentence in the catalogues (``web/i18n.py Translator.say``). A text not listed is
said by its shape or in general words, never as it is."""

from __future__ import annotations

from network.lib.vocab import N_

__all__ = ("SERVICE_MESSAGES",)

SERVICE_MESSAGES: dict[str, str] = {
    "must start with https:// (a secure video-meeting link)": N_(
        "Must start with https:// (a secure video-meeting link)."
    ),
    "must name the video service's host, e.g. https://meet.example.se/room": N_(
        "Must name the video service's host, e.g. https://meet.example.se/room."
    ),
    "must not hold a user name or password": N_("A link must not hold a user name or password."),
    "must be one address without spaces": N_("Write one address without spaces."),
    "is not a web address": N_("This is not a web address."),
    "must be a phone number such as 010-123 45 67 or +46 10 123 45 67": N_(
        "Enter a phone number such as 010-123 45 67 or +46 10 123 45 67."
    ),
    "must be plain text on one line": N_("Write plain text on one line."),
    "reload the page: the draft's version is missing": N_(
        "Open the page again: the draft's version is missing."
    ),
    "only the booking's specialist may change how to meet": N_(
        "Only the booking's specialist may change how to meet."
    ),
    "you cannot disable your own account: another administrator must": N_(
        "You cannot disable your own account: another administrator must do it."
    ),
    "tick the box to confirm": N_("Tick the box to confirm."),
    "must be a whole number from 1 to 100000": N_("Enter a page number from 1 to 100 000."),
    "must be after 'since'": N_("The end must be after the start."),
    "the same kind, urgency and area are listed twice": N_(
        "The same kind of work, urgency and area are listed twice."
    ),
    "the national default is kept by the platform; set your county's own points": N_(
        "The national default cannot be changed here; set your county's own points."
    ),
    "only the county's coordinators or the programme's managers change its points": N_(
        "Only the county's coordinators or the programme's managers change its points."
    ),
    "must be a whole number from 0 to 100": N_("Give a whole number from 0 to 100."),
    "must be a whole number from 0 to 500": N_(
        "The form is incomplete or damaged: open the page again and save once more."
    ),
    "you cannot change your own role bindings: another administrator must": N_(
        "You cannot change your own roles: another administrator must do it."
    ),
    "a new feed was made at the same moment; reload": N_(
        "A new calendar address was made at the same moment. Open the page again."
    ),
    "a user with this e-mail exists already": N_("A user with this e-mail address exists already."),
    "is booked already; reschedule that booking instead": N_(
        "It is booked already; move that booking instead."
    ),
    "is cancelled already": N_("It is cancelled already."),
    "is opened by application: apply for a seat instead": N_(
        "Seats in this series are given by application: apply for a seat instead."
    ),
    "has free seats: sign up for a session instead": N_(
        "There are free seats: sign up for a session instead."
    ),
    "has no upcoming session": N_("The series has no upcoming session yet."),
    "you have a seat already": N_("You have a seat already."),
    "you have applied already": N_("You have applied already."),
    "the placement is committed already": N_("The placement is committed already."),
    "the placement is discarded already": N_("The placement is discarded already."),
    "lists a series twice": N_("A group is chosen twice."),
    "lists a language twice": N_("A language is chosen twice."),
    "seats have changed since the preview: preview the placement again": N_(
        "Seats have changed since the preview. Make a new preview."
    ),
    "applications have changed since the preview: preview the placement again": N_(
        "Applications have changed since the preview. Make a new preview."
    ),
    "is taken (booked by someone else just now)": N_(
        "That time was just booked by someone else. Choose another."
    ),
    "no eligible mentor has a seat left": N_("No suitable mentor has room left."),
    "no eligible specialist is free to take it": N_("No suitable specialist is free to take it."),
    "only written consultations have a message thread": N_(
        "Only written consultations have messages."
    ),
    "the meeting has not taken place yet": N_("The meeting has not taken place yet."),
    "the pair has ended": N_("The pair has ended."),
    "the request is already withdrawn": N_("The request is already withdrawn."),
    "the request is no longer open": N_("The request is no longer open."),
    "the request is not open": N_("The request is not open."),
    "the round was committed meanwhile": N_("The round was confirmed in the meantime."),
    "the specialist has not answered yet": N_("The specialist has not answered yet."),
    "the thread is full; complete the consultation": N_(
        "The conversation is full; complete the consultation."
    ),
    "the user holds this role here already": N_("The user has this role here already."),
    "you already have a request in this programme": N_(
        "You already have a request in this programme."
    ),
    "a meeting is by phone, video or on site": N_("Choose phone, video or on site."),
    "a rank is a whole number": N_("A rank is a whole number."),
    "a written consultation has no meeting to book": N_(
        "A written consultation has no meeting to book."
    ),
    "an area is listed twice": N_("A competence area is listed twice."),
    "cannot be the absent specialist": N_("The stand-in cannot be the one who is away."),
    "choose one of the free times": N_("Choose one of the free times."),
    "choose the cohort you start with": N_("Choose the cohort you start with."),
    "ends before it starts": N_("It ends before it starts."),
    "is in the past": N_("The date has passed."),
    "must be a date and time": N_("Enter a date and a time."),
    "must be a week such as 2026-W48": N_("Enter a week such as 2026-W48."),
    "must be after starts_at": N_("Must be after the start."),
    "must not be before start_date": N_("Must not be before the start date."),
    "must not be before valid_from": N_("Must not be before the first valid day."),
    "must not be before the pair was matched": N_("Must not be before the pair was matched."),
    "must not be in the future": N_("Must not be in the future."),
    "name at least one scope": N_("Choose at least one scope."),
    "name exactly one of municipality or county": N_("Choose either a municipality or a county."),
    "name the county or municipality of the round": N_(
        "Choose the county or municipality of the round."
    ),
    "no active user with this e-mail": N_("No active user has this e-mail address."),
    "no such specialist": N_("There is no such specialist."),
    "no such week": N_("There is no such week."),
    "not a cohort of this programme": N_("Not a cohort of this programme."),
    "overlaps another interval that day": N_("Overlaps another time that day."),
    "the cohort has no open requests": N_("The cohort has no open requests."),
    "the request has no cohort": N_("The request has no cohort."),
    "this account is disabled": N_("This account is disabled."),
    "you cannot be your own mentor": N_("You cannot be your own mentor."),
    "you cannot disable yourself": N_("You cannot deactivate your own account."),
    "names no booking": N_("Choose a booking."),
    # standing support (network.standing)
    "must be on or after the first meeting": N_(
        "The last date must be on or after the first meeting."
    ),
    "a series is with a named social worker or with a unit": N_(
        "Choose either a social worker or a unit, not both."
    ),
    "is not a social worker of any municipality": N_("Choose a social worker."),
    "the social worker does not work in this municipality": N_(
        "The social worker does not work in this municipality."
    ),
    "name the social worker, or the municipality whose unit you support": N_(
        "Choose a social worker, or the municipality whose unit you support."
    ),
    "name the specialist": N_("Choose a specialist."),
    "name the municipality": N_("Choose a municipality."),
    "is not a matched mentoring pair": N_("Choose one of your mentoring pairs."),
    "the mentor has no specialist profile: no slots to book": N_(
        "The mentor is not a specialist here and has no times to book."
    ),
    "no agreement lets the specialist serve this municipality": N_(
        "No sharing agreement lets the specialist serve this municipality."
    ),
    "is outside the specialist's weekly hours on that weekday": N_(
        "The time is outside the specialist's weekly hours on that weekday."
    ),
    "is not a mentoring pair of this specialist (mentor) and social worker (mentee)": N_(
        "This is not a mentoring pair of the specialist and the social worker."
    ),
    "falls in the specialist's absence": N_("The specialist is away then."),
    "is taken (or too close to another meeting)": N_(
        "The specialist has another meeting then (or too close to it)."
    ),
    "is not booked: only a booked meeting is moved": N_("Only a booked meeting can be moved."),
    "has taken place already": N_("The meeting has taken place already."),
    "give a date and a time": N_("Enter a date and a time."),
    # Co-handling engagements (network.engagements, consultations.requests/responses).
    "no sharing agreement allows co-handling in this area for your municipality, "
    "and it has no specialist of its own in the area": N_(
        "No sharing agreement allows co-handling in this area for your municipality, and it "
        "has no specialist of its own in the area. Ask for a consultation instead, or ask "
        "your coordinator about an agreement."
    ),
    "a co-handling offer is accepted as an engagement": N_(
        "A co-handling offer is accepted as an engagement."
    ),
    "the engagement is closed": N_("The engagement is closed."),
    "the engagement cannot move to that phase now: one phase at a time, forwards": N_(
        "The engagement moves on one phase at a time, forwards."
    ),
    "an engagement is closed with its close-out survey": N_(
        "An engagement is closed with its close-out survey."
    ),
    "the engagement changed meanwhile; reload it": N_(
        "The engagement changed in the meantime. Open the page again."
    ),
    "the specialist is not away: there is nothing to hand over": N_(
        "The specialist is not away: there is nothing to hand over."
    ),
    "the specialist is away and has named no stand-in who is present": N_(
        "The specialist is away and has named no stand-in who is present."
    ),
    "the stand-in may not co-handle in this area for the municipality": N_(
        "The stand-in may not co-handle in this area for the municipality (competence or "
        "an agreement that allows co-handling is missing)."
    ),
    "is before the engagement opened": N_("The day is before the engagement opened."),
    "at most a year ahead": N_("At most a year ahead."),
    "give a date": N_("Enter a date."),
    "no such phase": N_("Choose one of the phases."),
    "a co-handling request is handled on its engagement": N_(
        "A co-handling request is handled on its engagement page."
    ),
    # Conference series and sessions: set-up, planning by cadence, cancelling.
    "name the hub specialist": N_("Choose the hub specialist."),
    "the hub is not competent in this area": N_("The hub is not competent in this area."),
    "lists a municipality twice": N_("A municipality is listed twice."),
    "is taken: the hub has another meeting then": N_("The hub has another meeting then."),
    "falls in the hub's absence": N_("The hub is away then."),
    "is cancelled": N_("The session is cancelled."),
    "tick the box to confirm the cancellation": N_("Tick the box to confirm the cancellation."),
    "the host must work in a municipality that takes part in the programme": N_(
        "Choose a host who works in a municipality that takes part in the programme."
    ),
    "the host is not competent in this area": N_(
        "The host is not competent in this area: choose another area or host."
    ),
}
