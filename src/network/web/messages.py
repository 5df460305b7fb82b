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
}
