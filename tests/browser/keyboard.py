"""Driving a page with the keyboard alone, and checking that the focus can be seen at every
step: the focused element draws an outline or a box shadow."""

import re

from playwright.sync_api import Locator, Page, expect

# What the focused element is and whether it shows its focus; null when the focus is nowhere.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const drawn = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  // A date field's calendar button lives in the browser's own shadow tree, which rings it.
  const onPicker = el.type === "date" && !el.matches(":focus");
  const visible = onPicker || drawn(getComputedStyle(el));
  const label = el.labels && el.labels[0] && el.labels[0].textContent;
  const name = (el.getAttribute("aria-label") || label || el.textContent || el.id).trim();
  const tag = el.tagName.toLowerCase() + (el.id ? " #" + el.id : "");
  return {visible, what: `<${tag}> ${name.slice(0, 60)}`};
}"""


def focus_visible(page: Page) -> str:
    """Asserts the focus is on an element that shows it; returns a description of that element."""
    focused = page.evaluate(_FOCUS)
    assert focused is not None, "the focus was lost (it is on the page's body)"
    assert focused["visible"], f"no visible focus indicator on {focused['what']}"
    return focused["what"]


def press(page: Page, key: str, expected: Locator) -> None:
    """Presses ``key`` once; ``expected`` then has the focus, visibly."""
    page.keyboard.press(key)
    expect(expected).to_be_focused()
    focus_visible(page)


def tab_to(page: Page, expected: Locator, *, limit: int = 40, key: str = "Tab") -> list[str]:
    """Presses Tab until ``expected`` has the focus, checking the focus is visible at each
    stop on the way; returns the stops."""
    expect(expected).to_be_attached()
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stops.append(focus_visible(page))
        if expected.evaluate("el => el === document.activeElement"):
            return stops
    raise AssertionError(f"{expected} never had the focus; Tab went through {stops}")


def skip_to_content(page: Page) -> None:
    """The first Tab reaches the skip link, visibly; Enter moves the focus to the page's content,
    so that the next Tab is its first control."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()
