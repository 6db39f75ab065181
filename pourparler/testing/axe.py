"""axe-core in a Playwright page: what a browser test asks of every page it checks.

The committed copy in vendor/axe-core/ (axe-core from the npm registry, MPL-2.0; its
version, licence and the npm tarball's integrity are in docs/accessibility.md) is what
the tests load: neither npm nor the network is needed to run them. It is a test tool:
it lives outside every static/ folder and is never served to a user.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core"
AXE_VERSION = "4.14.1"

# WCAG 2.0 and 2.1, levels A and AA, and Deque's best practices (landmarks, heading
# order, one main...): the best practices cost nothing more to run.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
BLOCKING = ("critical", "serious")

# Runs in the page: axe.run over the whole document, its violations and what it could not
# decide alone ("incomplete": to be looked at by a person), each reduced to what a failing
# test message needs (the selectors of the offending nodes, axe's own summary of what to
# fix, the start of their HTML).
_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations", "incomplete"],
  });
  const reduce = (list) => list.map((v) => ({
    rule: v.id,
    impact: v.impact || "",
    help: v.help,
    help_url: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(" "),
      summary: n.failureSummary || "",
      html: n.html.slice(0, 160),
    })),
  }));
  return {violations: reduce(results.violations), incomplete: reduce(results.incomplete)};
}"""


@dataclass(frozen=True)
class Node:
    target: str
    summary: str
    html: str


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    nodes: tuple[Node, ...]

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING


@functools.cache
def axe_source() -> str:
    """The vendored axe.min.js, read once per test run."""
    return (AXE_DIR / "axe.min.js").read_text(encoding="utf-8")


def inject(page: Any) -> None:
    """Load axe into the page unless it is there already.

    Through page.evaluate, not page.add_script_tag(content=...): our CSP forbids inline
    scripts (script-src 'self'), so an added <script> with inline content would be
    refused by the page (and a refused script is a console error, not an exception).
    evaluate goes through the DevTools protocol (Runtime.evaluate), which the page's CSP
    does not govern; the page itself keeps its CSP for everything else, so the test sees
    the page exactly as a user does.
    """
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.evaluate(axe_source())


def run_axe(page: Any, *, tags: tuple[str, ...] = TAGS) -> list[Violation]:
    """Every violation axe finds on the page as it stands, worst first."""
    return audit_page(page, tags=tags)[0]


def audit_page(
    page: Any, *, tags: tuple[str, ...] = TAGS
) -> tuple[list[Violation], list[Violation]]:
    """The violations and the results axe leaves to a person (incomplete), worst first."""
    inject(page)
    found = page.evaluate(_RUN, list(tags))
    return _violations(found["violations"]), _violations(found["incomplete"])


def _violations(found: list[dict[str, Any]]) -> list[Violation]:
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    violations = [
        Violation(
            rule=item["rule"],
            impact=item["impact"],
            help=item["help"],
            help_url=item["help_url"],
            nodes=tuple(Node(**node) for node in item["nodes"]),
        )
        for item in found
    ]
    return sorted(violations, key=lambda v: (order.get(v.impact, 4), v.rule))


def describe(where: str, violations: list[Violation], *, nodes: int = 5) -> str:
    """The violations as a test failure would say them: where, which rule, how bad, what
    to fix, and the selectors of the offending elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"{where}: [{violation.impact}] {violation.rule}: {violation.help} "
            f"({violation.help_url})"
        )
        for node in violation.nodes[:nodes]:
            fix = " / ".join(line.strip() for line in node.summary.splitlines()[1:] if line.strip())
            lines.append(f"    {node.target}: {fix or node.summary}  <- {node.html}")
        if len(violation.nodes) > nodes:
            lines.append(f"    ... and {len(violation.nodes) - nodes} more")
    return "\n".join(lines)


def axe_version_in_page(page: Any) -> str:
    """The version of the axe loaded in the page (axe.version)."""
    inject(page)
    return str(page.evaluate("axe.version"))
