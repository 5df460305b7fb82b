"""Settings: defaults, accepted values, and one clear error per bad variable."""

from __future__ import annotations

import pytest

from network.settings import Settings, SettingsError


def test_defaults_are_the_embedded_demo() -> None:
    settings = Settings.from_env({})
    assert settings.env == "dev"
    assert settings.database_kind == "sqlite"
    assert str(settings.sqlite_path) == "var/network.sqlite3"
    assert settings.redis_url is None
    assert len(settings.secret_key) >= 32


def test_postgres_and_redis_are_accepted() -> None:
    settings = Settings.from_env(
        {
            "NETWORK_DATABASE_URL": "postgresql://app@db.example:5432/network",
            "NETWORK_REDIS_URL": "redis://cache:6379/0",
            "NETWORK_ENV": "prod",
            "NETWORK_SECRET_KEY": "x" * 40,
        }
    )
    assert settings.database_kind == "postgres"
    assert settings.redis_url == "redis://cache:6379/0"
    assert not settings.is_dev
    assert settings.log_json is True


@pytest.mark.parametrize(
    ("environ", "variable", "fragment"),
    [
        ({"NETWORK_DATABASE_URL": "mysql://x/y"}, "NETWORK_DATABASE_URL", "unknown scheme 'mysql'"),
        ({"NETWORK_DATABASE_URL": "sqlite:///:memory:"}, "NETWORK_DATABASE_URL", "file path"),
        ({"NETWORK_DATABASE_URL": "postgresql:///db"}, "NETWORK_DATABASE_URL", "needs a host"),
        ({"NETWORK_REDIS_URL": "memcached://x"}, "NETWORK_REDIS_URL", "unknown scheme"),
        ({"NETWORK_ENV": "staging"}, "NETWORK_ENV", "unknown value 'staging'"),
        ({"NETWORK_ENV": "prod"}, "NETWORK_SECRET_KEY", "must be set"),
        ({"NETWORK_SECRET_KEY": "short"}, "NETWORK_SECRET_KEY", "at least 32"),
        ({"NETWORK_PORT": "eighty"}, "NETWORK_PORT", "not an integer"),
        ({"NETWORK_PORT": "70000"}, "NETWORK_PORT", "between 1 and 65535"),
        ({"NETWORK_LOG_JSON": "maybe"}, "NETWORK_LOG_JSON", "not a boolean"),
        ({"NETWORK_LOG_LEVEL": "LOUD"}, "NETWORK_LOG_LEVEL", "unknown level"),
        ({"NETWORK_DATA_DIR": "/no/such/dir"}, "NETWORK_DATA_DIR", "not a directory"),
        ({"NETWORK_FOLLOWUP_INTERVAL": "-1"}, "NETWORK_FOLLOWUP_INTERVAL", "between 0 and"),
        ({"NETWORK_RETENTION_DAYS": "7"}, "NETWORK_RETENTION_DAYS", "between 30 and"),
        ({"NETWORK_SETTLEMENT_HOURLY_RATE": "lots"}, "NETWORK_SETTLEMENT_HOURLY_RATE", "integer"),
        ({"NETWORK_SMTP_URL": "http://mail"}, "NETWORK_SMTP_URL", "unknown scheme 'http'"),
        ({"NETWORK_SMTP_URL": "smtp://"}, "NETWORK_SMTP_URL", "names no host"),
        ({"NETWORK_PUBLIC_URL": "natet.example.se"}, "NETWORK_PUBLIC_URL", "http(s)://"),
    ],
)
def test_bad_values_name_the_variable(
    environ: dict[str, str], variable: str, fragment: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert caught.value.variable == variable
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert fragment in message
    assert "\n" not in message


def test_blank_values_mean_unset() -> None:
    settings = Settings.from_env({"NETWORK_REDIS_URL": "  ", "NETWORK_DATABASE_URL": ""})
    assert settings.redis_url is None
    assert settings.database_kind == "sqlite"


def test_consultation_and_mail_options_are_read() -> None:
    settings = Settings.from_env(
        {
            "NETWORK_FOLLOWUP_INTERVAL": "0",
            "NETWORK_RETENTION_DAYS": "365",
            "NETWORK_SETTLEMENT_HOURLY_RATE": "850",
            "NETWORK_SMTP_URL": "smtps://user:secret@mail.example.se:465",
            "NETWORK_SMTP_FROM": "Nätet <noreply@example.se>",
            "NETWORK_PUBLIC_URL": "https://natet.example.se/",
        }
    )
    assert (settings.followup_interval, settings.retention_days) == (0, 365)
    assert settings.settlement_hourly_rate == 850
    assert settings.smtp_url == "smtps://user:secret@mail.example.se:465"
    assert "secret" not in repr(settings)  # the SMTP password is never printed
    assert settings.smtp_from == "Nätet <noreply@example.se>"
    assert settings.public_url == "https://natet.example.se"
    defaults = Settings.from_env({})
    assert (defaults.followup_interval, defaults.retention_days) == (60, 730)
    assert defaults.smtp_url is None


def test_the_owner_url_defaults_to_the_serving_url_and_must_match_it() -> None:
    serving = "postgresql://network_app:a@db.example:5432/network"
    owner = "postgresql://network_owner:secret-owner@db.example:5432/network"
    assert Settings.from_env({"NETWORK_DATABASE_URL": serving}).owner_url == serving
    both = Settings.from_env({"NETWORK_DATABASE_URL": serving, "NETWORK_DATABASE_OWNER_URL": owner})
    assert (both.database_url, both.owner_url) == (serving, owner)
    assert "secret-owner" not in repr(both)  # the owner's password is never printed
    for environ, fragment in (
        ({"NETWORK_DATABASE_OWNER_URL": owner}, "PostgreSQL only"),  # the serving one: SQLite
        (
            {"NETWORK_DATABASE_URL": serving, "NETWORK_DATABASE_OWNER_URL": "sqlite:///x.db"},
            "postgresql://",
        ),
        (
            {
                "NETWORK_DATABASE_URL": serving,
                "NETWORK_DATABASE_OWNER_URL": owner.replace(":5432/network", ":5432/other"),
            },
            "names database 'other', NETWORK_DATABASE_URL names 'network'",
        ),
    ):
        with pytest.raises(SettingsError) as caught:
            Settings.from_env(environ)
        assert caught.value.variable == "NETWORK_DATABASE_OWNER_URL"
        assert fragment in str(caught.value)
