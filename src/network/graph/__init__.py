"""Pure algorithms over the network: eligibility, scores, suggestions, batch rounds.

No framework, database or I/O imports (an import-linter contract keeps it so):
services build the plain data of :mod:`network.graph.model` and call these.
"""
