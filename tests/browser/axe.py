"""axe-core (vendor/axe-core) run in a page: the WCAG 2.0 and 2.1 A and AA rules."""

from pathlib import Path

from playwright.sync_api import Page

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GRAVE = ("serious", "critical")
STILL = """() => {
    const style = document.createElement("style");
    style.textContent = "*, *::before, *::after { transition: none !important; }";
    document.head.append(style);
}"""
RUN = """async (tags) => {
    const result = await axe.run(document,
        {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""


def grave_violations(page: Page) -> list[dict]:
    """The serious and critical violations on the page as it is now. axe is evaluated through
    the DevTools protocol, so the page's CSP does not block it."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE)
    # The page at rest: away from the pointer (a clicked button stays hovered) and with no
    # colour caught half-way through a transition.
    page.mouse.move(0, 0)
    page.evaluate(STILL)
    return [v for v in page.evaluate(RUN, TAGS) if v["impact"] in GRAVE]


def described(violations: list[dict]) -> str:
    """Each rule with its impact, then each element it found, with what is wrong there."""
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    at {n['target']}: {n['summary'].splitlines()[-1]}" for n in v["nodes"]]
    return "\n".join(lines)
