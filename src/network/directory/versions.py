"""Data versions: a counter per topic that database triggers raise with every change
to the topic's tables (:class:`network.lib.ddl.Counted`, declared in migrations).

A process may keep data derived from those tables as long as the counter it read
before deriving them is still current: one primary-key read tells, and no writer
(the app, the seed, a migration, a hand-made statement) can forget to say so.
"""

from __future__ import annotations

from network.db import fetch, one_of
from network.directory.tables import DataVersion

__all__ = ("CONFERENCES", "HOURS", "NETWORK", "data_version", "data_versions", "network_token")

# Places, counties, sharing agreements, specialists' profiles and competences.
NETWORK = "network"
# The specialists' weekly hours.
HOURS = "hours"
# Case-conference series, the municipalities they serve and their sessions (coverage
# counts an active series as shared supply).
CONFERENCES = "conferences"
_TOKEN = (NETWORK, HOURS, CONFERENCES)


async def data_version(topic: str) -> int:
    """The topic's counter now (as the caller's transaction sees it)."""
    return (await data_versions((topic,)))[0]


async def data_versions(topics: tuple[str, ...]) -> tuple[int, ...]:
    """The counters of ``topics`` now, in their order, in one read (hand-written:
    it runs with every suggestion)."""
    engine = DataVersion._meta.db
    wanted, args = one_of(engine, list(topics), "varchar")
    sql = f"SELECT topic, version FROM data_version WHERE topic {wanted}"  # noqa: S608
    rows = await fetch(engine, sql, *args)
    found = {row["topic"]: int(row["version"]) for row in rows}
    missing = [topic for topic in topics if topic not in found]
    if missing:
        raise LookupError(f"no data version {missing}: are the migrations applied?")
    return tuple(found[topic] for topic in topics)


async def network_token() -> str:
    """A token of the network's static data, the weekly hours and the case-conference
    series together: what the coverage cache keys its entries by (a change of any of
    them makes a new token)."""
    return ".".join(str(version) for version in await data_versions(_TOKEN))
