"""A peer group's thread: questions and experience posted by the area's specialists,
and the replies to them.

Case data in spirit (de-identified free text about cases): row-level security on
PostgreSQL lets only specialists competent in the post's area see or write a row
(migration ``peers`` 2026-12-04T16:31), and every read and write is audited. The
area sits on both tables so that the policy needs no join.
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.directory.tables import CompetenceArea, Municipality

__all__ = ("PeerPost", "PeerReply")


class PeerPost(Table):
    """A question or an experience shared with the area's peer group."""

    id: Serial

    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False, index=True)
    author = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    # The author's home municipality when they posted (shown beside their name).
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    subject = Varchar(length=200)
    body = Text()
    created_at = Timestamptz(index=True)


class PeerReply(Table):
    """A reply in a post's thread."""

    id: Serial

    post = ForeignKey(PeerPost, on_delete=OnDelete.cascade, null=False, index=True)
    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False, index=True)
    author = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    body = Text()
    created_at = Timestamptz()
