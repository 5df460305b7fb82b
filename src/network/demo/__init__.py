"""The synthetic demo network: a pure, seeded generator and the seeder that writes it.

- :func:`generate_network` (pure) builds a :class:`DemoNetwork` of plain Structs
  from the reference data, a seed and ``today``.
- :func:`seed_demo` writes one to the database; :func:`seed_if_empty` generates
  and writes the default demo unless the database has specialists already.
- :data:`DEMO_USERS` are the five demo sign-ins, one per role.
"""

from __future__ import annotations

from network.demo.generator import (
    DEFAULT_MENTORING_REQUESTS,
    DEFAULT_REQUESTS,
    DEFAULT_SEED,
    DEFAULT_SPECIALISTS,
    DEMO_USERS,
    EMAIL_DOMAIN,
    DemoGenerationError,
    generate_network,
)
from network.demo.model import DemoNetwork, SeedCounts
from network.demo.seed import DemoSeedError, load_generator_inputs, seed_demo, seed_if_empty

__all__ = (
    "DEFAULT_MENTORING_REQUESTS",
    "DEFAULT_REQUESTS",
    "DEFAULT_SEED",
    "DEFAULT_SPECIALISTS",
    "DEMO_USERS",
    "EMAIL_DOMAIN",
    "DemoGenerationError",
    "DemoNetwork",
    "DemoSeedError",
    "SeedCounts",
    "generate_network",
    "load_generator_inputs",
    "seed_demo",
    "seed_if_empty",
)
