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
