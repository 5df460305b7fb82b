from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-30T15:39:20:945812"
VERSION = "1.38.0"
DESCRIPTION = "notification kind: mentoring.matched"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Notification",
        tablename="notification",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "NotificationKind",
                {
                    "OFFER_NEW": "offer.new",
                    "OFFER_ACCEPTED": "offer.accepted",
                    "OFFER_DECLINED": "offer.declined",
                    "OFFER_EXPIRED": "offer.expired",
                    "BOOKING_CREATED": "booking.created",
                    "BOOKING_CANCELLED": "booking.cancelled",
                    "BOOKING_MOVED": "booking.moved",
                    "MESSAGE_NEW": "message.new",
                    "MENTOR_MATCHED": "mentoring.matched",
                    "TEST": "test",
                },
            )
        },
        old_params={
            "choices": Enum(
                "NotificationKind",
                {
                    "OFFER_NEW": "offer.new",
                    "OFFER_ACCEPTED": "offer.accepted",
                    "OFFER_DECLINED": "offer.declined",
                    "OFFER_EXPIRED": "offer.expired",
                    "BOOKING_CREATED": "booking.created",
                    "BOOKING_CANCELLED": "booking.cancelled",
                    "BOOKING_MOVED": "booking.moved",
                    "MESSAGE_NEW": "message.new",
                    "TEST": "test",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
