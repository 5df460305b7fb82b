"""axe-core in the browser: the accessibility checker injected through Playwright.

The minified build is vendored under ``tests/e2e/vendor/`` (version and licence in
its ``README.md``): no CDN and no npm at test time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ("AXE_SCRIPT", "WCAG_21_AA", "serious_violations")

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "e2e/vendor/axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def serious_violations(page: Any) -> list[str]:
    """The page's serious and critical WCAG 2.1 A/AA violations, one line each
    (rule, impact, help and the first few elements)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})""",
        list(WCAG_21_AA),
    )
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{len(violation['nodes'])}] {targets}"
        )
    return lines
