"""Group case conferences: a hub specialist's series of sessions for an area, with
sign-ups from the municipalities it serves, de-identified case presentations, the
hub's recommendations, attendance and the settlement shared by attendance."""
