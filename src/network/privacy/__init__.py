"""The de-identification guard: finds personal data in free text before it is stored.

``scan(text)`` returns what must be refused (identity and coordination numbers,
phone numbers, e-mail addresses); ``suspected_names(text)`` what to warn about
(a likely first name and surname). Pure: no framework, database or I/O imports (an
import-linter contract keeps it so).
"""

from network.privacy.guard import Finding, FindingKind, scan
from network.privacy.names import suspected_names

__all__ = ("Finding", "FindingKind", "scan", "suspected_names")
