"""The de-identification guard: finds personal data in free text before it is stored.

Pure: no framework, database or I/O imports (an import-linter contract keeps it so).
"""

from network.privacy.guard import Finding, FindingKind, scan

__all__ = ("Finding", "FindingKind", "scan")
