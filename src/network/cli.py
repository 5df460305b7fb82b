"""The ``network`` command: demo, serve, migrate, load-reference, seed."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import asyncpg
import uvicorn

from network.accounts.oidc_settings import load_oidc_settings
from network.backup import BackupError, backup, restore
from network.bootstrap import standalone
from network.conferences.reminders import remind_due
from network.consultations.followup import FollowUp, follow_up
from network.coverage.history import snapshot_if_due, take_snapshot
from network.demo import DEMO_USERS, seed_if_empty
from network.demo.extras import seed_demo_extras
from network.directory.reference import load_reference_data
from network.lib.clock import today
from network.lib.pgroles import RoleSetupError, ServingRole, role_bypasses
from network.migrate import as_owner, grant_serving_role, migrate_backwards, migrate_forwards
from network.server.redis import check_redis
from network.settings import DEFAULT_PORT, Settings, SettingsError, get_settings

__all__ = ("main",)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        if os.environ.get("NETWORK_ENV", "dev").strip().lower() not in ("", "dev"):
            print(
                "error: NETWORK_ENV: `network demo` runs in dev mode only; "
                "unset it or use `network serve`",
                file=sys.stderr,
            )
            return 2
        os.environ["NETWORK_ENV"] = "dev"

    try:
        settings = get_settings()
        if args.command in ("demo", "serve"):
            load_oidc_settings(env=settings.env)
            asyncio.run(check_redis(settings))
        if args.command == "serve" and not settings.is_dev:
            _refuse_a_bypassing_role(settings)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    handler = {
        "demo": _demo,
        "serve": _serve,
        "migrate": _migrate,
        "load-reference": _load_reference,
        "seed": _seed,
        "followup": _followup,
        "remind": _remind,
        "snapshot": _snapshot,
        "backup": _backup,
        "restore": _restore,
    }[args.command]
    return handler(args)


def _refuse_a_bypassing_role(settings: Settings) -> None:
    """Raise :class:`SettingsError` if prod would serve PostgreSQL as a role that
    bypasses row-level security (the app's start-up checks again, and warns in dev).
    A database that cannot be reached is left to the start-up, which reports it."""
    if settings.database_kind != "postgres":
        return

    try:
        problem = asyncio.run(role_bypasses(settings.database_url))
    except (OSError, asyncpg.PostgresError):
        return
    if problem is not None:
        raise SettingsError("NETWORK_DATABASE_URL", problem)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="network", description="Specialistnätet")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, load reference data, seed the demo, serve (dev)")
    _serve_options(demo)
    demo.add_argument("--specialists", type=int, default=None, help="size of the demo network")
    demo.add_argument("--requests", type=int, default=None, help="open consultation requests")
    demo.add_argument("--seed", type=int, default=None, help="random seed of the demo network")

    serve = sub.add_parser("serve", help="serve the configured instance")
    _serve_options(serve)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--backwards", action="store_true", help="roll back every migration")

    sub.add_parser("load-reference", help="load counties, municipalities and competence areas")
    sub.add_parser(
        "followup",
        help="expire unanswered offers and passed requests, purge closed ones past retention",
    )

    sub.add_parser(
        "remind",
        help="remind the people of the conference sessions due for a reminder",
    )

    backup = sub.add_parser("backup", help="copy the whole database to a new file")
    backup.add_argument("file", type=Path, help="the backup file to write (must not exist)")
    restore = sub.add_parser("restore", help="restore a backup file into an empty database")
    restore.add_argument("file", type=Path, help="a file written by `network backup`")

    sub.add_parser(
        "snapshot", help="record this month's coverage (supply over time) as it stands today"
    )

    seed = sub.add_parser("seed", help="seed a synthetic network (if the database has none)")
    seed.add_argument("--specialists", type=int, default=None)
    seed.add_argument("--requests", type=int, default=None)
    seed.add_argument("--seed", type=int, default=None)
    return parser


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None, help=f"default {DEFAULT_PORT}")
    parser.add_argument("--host", default=None, help="default 127.0.0.1")


async def _prepare(args: argparse.Namespace, *, seed: bool, extras: bool = False) -> bool:
    """Migrate, load the reference data and (``seed``) seed the demo network if empty,
    as the owner of the schema (``NETWORK_DATABASE_OWNER_URL``); grant the serving role."""

    settings = get_settings()
    with as_owner(settings):
        await migrate_forwards()
        await grant_serving_role(settings)
        await load_reference_data(settings.data_dir)
        if not seed:
            return False

        options = {
            k: v for k in ("specialists", "requests", "seed") if (v := getattr(args, k)) is not None
        }
        seeded = await seed_if_empty(progress=True, **options)
        if seeded and extras:  # the demo's synthetic workforce figures and surveys
            await seed_demo_extras(options.get("seed"))

        await snapshot_if_due()  # the coverage history starts with the network as seeded
        return seeded


def _demo(args: argparse.Namespace) -> int:

    settings = get_settings()
    seeded = asyncio.run(_prepare(args, seed=True, extras=True))
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"Specialistnätet demo {'(newly seeded) ' if seeded else ''}on http://{host}:{port}/")
    print(f"Demo sign-in (dev mode): http://{host}:{port}/auth/dev-login")
    for email, role in DEMO_USERS:
        print(f"  {role:<14} {email}")
    return _run_server(host, port, workers=1)


def _serve(args: argparse.Namespace) -> int:

    settings = get_settings()
    return _run_server(args.host or settings.host, args.port or settings.port, workers=args.workers)


def _run_server(host: str, port: int, *, workers: int) -> int:

    uvicorn.run(
        "network.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The app reads X-Forwarded-For itself, from NETWORK_TRUSTED_PROXIES only
        # (network.server.clients); uvicorn's own reading would trust 127.0.0.1.
        proxy_headers=False,
        log_config=None,
        access_log=False,
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:

    settings = get_settings()

    async def run() -> ServingRole | None:
        with as_owner(settings):
            if args.backwards:
                await migrate_backwards()
                return None
            await migrate_forwards()
        return await grant_serving_role(settings)

    try:
        role = asyncio.run(run())
    except RoleSetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("migrations rolled back" if args.backwards else "migrations applied")
    if role is not None:
        done = "created and granted" if role.created else "granted"
        print(f"serving role {role.name!r} {done} rows of every table (not the schema)")
        if role.bypasses:
            print(f"warning: {role.bypasses}", file=sys.stderr)
    return 0


def _load_reference(args: argparse.Namespace) -> int:
    asyncio.run(_prepare(args, seed=False))
    print("reference data loaded (counties, municipalities, competence areas)")
    return 0


def _seed(args: argparse.Namespace) -> int:
    seeded = asyncio.run(_prepare(args, seed=True))
    print("seeded the demo network" if seeded else "the database already has a network; not seeded")
    return 0


def _followup(args: argparse.Namespace) -> int:
    async def run() -> FollowUp:
        settings = get_settings()
        async with standalone(settings) as runtime:
            return await follow_up(runtime, retention_days=settings.retention_days)

    result = asyncio.run(run())
    print(
        f"offers expired: {result.offers_expired} (passed on: {result.passed_on}), "
        f"requests expired: {result.requests_expired}, purged: {result.purged}"
    )
    return 0


def _remind(args: argparse.Namespace) -> int:
    async def run() -> int:
        async with standalone(get_settings()) as runtime:
            return await remind_due(runtime)

    print(f"conference sessions reminded: {asyncio.run(run())}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:

    day = today()
    rows = asyncio.run(take_snapshot(day))
    print(f"coverage snapshot of {day:%Y-%m}: {rows} municipality × area rows")
    return 0


def _backup(args: argparse.Namespace) -> int:

    settings = get_settings()
    try:
        # As the owner: pg_dump must read every row, past row-level security.
        backup(replace(settings, database_url=settings.owner_url), args.file)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"backed up to {args.file} ({args.file.stat().st_size:,} bytes)")
    return 0


def _restore(args: argparse.Namespace) -> int:

    settings = get_settings()
    try:
        # As the owner, who then grants the serving role (backups hold no privileges).
        restore(replace(settings, database_url=settings.owner_url), args.file)
        asyncio.run(grant_serving_role(settings))
    except (BackupError, RoleSetupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"restored {args.file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
