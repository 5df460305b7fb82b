"""Data versions: a counter per topic that database triggers raise with every change
to the topic's tables (:class:`network.lib.ddl.Counted`, declared in migrations).

A process may keep data derived from those tables as long as the counter it read
before deriving them is still current: one primary-key read tells, and no writer
(the app, the seed, a migration, a hand-made statement) can forget to say so.
"""

from __future__ import annotations

from network.directory.tables import DataVersion

__all__ = ("NETWORK", "data_version")

# Places, counties, sharing agreements, specialists' profiles and competences.
NETWORK = "network"


async def data_version(topic: str) -> int:
    """The topic's counter now (as the caller's transaction sees it)."""
    row = await DataVersion.select(DataVersion.version).where(DataVersion.topic == topic).first()
    if row is None:
        raise LookupError(f"no data version {topic!r}: are the migrations applied?")
    return int(row["version"])
