"""Creating and dropping whole PostgreSQL databases (scratch databases for tests and
benchmarks, and a fresh instance's database), through the server's ``postgres`` db."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit, urlunsplit

import asyncpg

__all__ = ("create_database", "drop_database", "scratch_url")

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not _NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return name


def scratch_url(server_url: str, prefix: str) -> str:
    """The URL of a new, randomly named database on the server of ``server_url``."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{prefix}_{secrets.token_hex(4)}"))


async def create_database(url: str) -> None:
    """Create the (empty) database that ``url`` names."""
    conn = await asyncpg.connect(_admin_url(url))
    try:
        await conn.execute(f'CREATE DATABASE "{_name(url)}"')
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    """Drop the database that ``url`` names, closing its open connections."""
    conn = await asyncpg.connect(_admin_url(url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')
    finally:
        await conn.close()
