from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-12-02T09:12:41:518207"
VERSION = "1.38.0"
DESCRIPTION = "notification kind: role.granted"


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
                    "ROLE_GRANTED": "role.granted",
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
                    "MENTOR_MATCHED": "mentoring.matched",
                    "TEST": "test",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
