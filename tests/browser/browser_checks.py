"""Checks on rendered pages: screenshots against baselines, layout and keyboard focus.

A screenshot is compared with its baseline in `screenshots/` pixel by pixel. A
pixel differs when any of its red, green or blue channels is off by more than
CHANNEL_THRESHOLD levels, so anti-aliasing noise passes. The comparison fails
when more than MAX_DIFFERING_SHARE of the pixels differ. With
BOARDLOOP_UPDATE_SNAPSHOTS=1 the baselines are rewritten instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageChops

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = [
    "DESKTOP",
    "PHONE",
    "SCREENSHOTS",
    "ScreenshotMismatch",
    "assert_no_overflow",
    "compare_images",
    "focus_order",
    "wide_elements",
]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
UPDATE = os.environ.get("BOARDLOOP_UPDATE_SNAPSHOTS") == "1"
REFRESH = (
    "If the change is intended, rerun with BOARDLOOP_UPDATE_SNAPSHOTS=1 "
    "and review the new baseline images before committing them."
)
# Viewports as (width, height): a laptop and a small phone in portrait.
DESKTOP = (1280, 800)
PHONE = (375, 812)
# A channel off by more than this many levels (of 255) marks its pixel as differing.
CHANNEL_THRESHOLD = 32
# Share of differing pixels, 0.5 %, above which a screenshot fails.
MAX_DIFFERING_SHARE = 0.005
# Tab presses that focus_order makes before it gives up.
MAX_TABS = 40


@dataclass(frozen=True)
class ScreenshotMismatch:
    """How an actual screenshot differs from its baseline."""

    differing: int
    total: int
    size_problem: str | None = None

    @property
    def share(self) -> float:
        return self.differing / self.total if self.total else 1.0

    @property
    def failed(self) -> bool:
        return self.size_problem is not None or self.share > MAX_DIFFERING_SHARE


def compare_images(
    baseline: Image.Image, actual: Image.Image
) -> tuple[ScreenshotMismatch, Image.Image | None]:
    """Count the pixels that differ beyond the threshold; return an image marking them.

    The marking image shows the actual screenshot faded, with each differing
    pixel in red. Images of different sizes are not compared pixel by pixel.
    """
    if baseline.size != actual.size:
        problem = f"size {actual.size[0]}x{actual.size[1]}, baseline " + (
            f"{baseline.size[0]}x{baseline.size[1]}"
        )
        return ScreenshotMismatch(0, actual.width * actual.height, problem), None
    difference = ImageChops.difference(baseline.convert("RGB"), actual.convert("RGB"))
    # A pixel differs when its largest channel difference passes the threshold.
    channels = difference.split()
    largest = ImageChops.lighter(
        ImageChops.lighter(channels[0], channels[1]), channels[2]
    )
    mask = largest.point(lambda level: 255 if level > CHANNEL_THRESHOLD else 0)
    histogram = mask.histogram()
    differing = histogram[255]
    faded = Image.blend(
        actual.convert("RGB"), Image.new("RGB", actual.size, "white"), 0.7
    )
    marked = Image.composite(Image.new("RGB", actual.size, (255, 0, 0)), faded, mask)
    total = actual.width * actual.height
    return ScreenshotMismatch(differing, total), marked


def check_screenshot(page: Page, name: str, output: Path) -> None:
    """Compare a full-page screenshot with the baseline `screenshots/NAME.png`.

    Fails with the paths of the actual and marked images, written to `output`.
    """
    import pytest

    # Web fonts and images must be in place before the picture is taken.
    page.evaluate("document.fonts.ready.then(() => true)")
    png = page.screenshot(full_page=True, animations="disabled", caret="hide")
    baseline_path = SCREENSHOTS / f"{name}.png"
    if UPDATE:
        SCREENSHOTS.mkdir(exist_ok=True)
        baseline_path.write_bytes(png)
        return
    output.mkdir(parents=True, exist_ok=True)
    actual_path = output / f"{name}.actual.png"
    actual_path.write_bytes(png)
    if not baseline_path.exists():
        pytest.fail(
            f"baseline {baseline_path} is missing; the actual screenshot is "
            f"{actual_path}. {REFRESH}"
        )
    with Image.open(baseline_path) as baseline, Image.open(actual_path) as actual:
        mismatch, marked = compare_images(baseline, actual)
    if not mismatch.failed:
        return
    if mismatch.size_problem is not None:
        pytest.fail(
            f"screenshot {name} differs from {baseline_path}: "
            f"{mismatch.size_problem}; actual image {actual_path}. {REFRESH}"
        )
    diff_path = output / f"{name}.diff.png"
    assert marked is not None
    marked.save(diff_path)
    pytest.fail(
        f"screenshot {name} differs from {baseline_path}: {mismatch.differing} of "
        f"{mismatch.total} pixels ({mismatch.share:.2%}) differ by more than "
        f"{CHANNEL_THRESHOLD} levels, above the {MAX_DIFFERING_SHARE:.1%} allowed; "
        f"actual image {actual_path}, differing pixels in red in {diff_path}. "
        f"{REFRESH}"
    )


# Elements inside a container that scrolls or clips horizontally may be wider than
# the viewport, because the container keeps them inside it. The container itself
# is checked. The body and the root element do not count as such a container,
# because `overflow-x: hidden` there only hides content cut off at the edge.
WIDE_ELEMENTS_SCRIPT = """
() => {
  const limit = document.documentElement.clientWidth;
  const clips = (element) => {
    const page = [document.body, document.documentElement];
    for (let node = element.parentElement; node && !page.includes(node);
         node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow !== "visible") return true;
    }
    return false;
  };
  const describe = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    if (typeof element.className === "string" && element.className.trim())
      text += "." + element.className.trim().split(/\\s+/).join(".");
    return text;
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.width <= limit + 0.5 && box.right <= limit + 0.5) continue;
    if (clips(element)) continue;
    found.push(`${describe(element)} is ${Math.round(box.width)} px wide, ` +
      `right edge at ${Math.round(box.right)} px`);
  }
  return found;
}
"""


def wide_elements(page: Page) -> list[str]:
    """Describe each visible element wider than the layout viewport or past its edge."""
    found: list[str] = page.evaluate(WIDE_ELEMENTS_SCRIPT)
    return found


def assert_no_overflow(page: Page) -> None:
    """Assert that the page does not scroll sideways and no element sticks out.

    The viewport's width is the root element's client width. On a phone,
    `window.innerWidth` grows to the width of content that overflows, because
    the browser zooms the page out to show it, so it cannot serve as the limit.
    """
    widths: dict[str, int] = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth,"
        " viewport: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["viewport"], (
        f"{page.url} scrolls sideways at {widths['viewport']} px: "
        f"the document is {widths['scroll']} px wide"
    )
    wide = wide_elements(page)
    assert wide == [], f"{page.url} at {widths['viewport']} px: " + "; ".join(wide)


FOCUSED_SCRIPT = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const labels = element.labels && element.labels.length ? element.labels : null;
  const label = (labels ? labels[0].innerText : "")
    || element.getAttribute("aria-label")
    || element.innerText
    || element.value
    || "";
  return {
    label: label.trim().slice(0, 80),
    tag: element.tagName.toLowerCase(),
    name: element.getAttribute("name") || "",
    id: element.id || "",
    href: element.getAttribute("href") || "",
    visible_focus: outline || shadow,
    // Focus on a part of the browser's own control inside the element, such as
    // the calendar button of a date field: the element itself is not :focus.
    focus_in_shadow: !element.matches(":focus"),
  };
}
"""


def focus_order(page: Page, presses: int = MAX_TABS) -> list[dict[str, Any]]:
    """Press Tab and return each element focused in turn, until focus comes round.

    Call it right after loading the page, so the first Tab starts at the top; an
    element focused on load (autofocus) comes first. Each entry has the
    element's accessible label (its label element, aria-label or text), tag,
    name, id, href, and whether its focus is drawn (an outline or a box
    shadow). `focus_in_shadow` marks focus on a part of the browser's own
    control inside the element, whose focus the browser draws itself.
    """
    # Chromium moves the focus to an autofocus element at its next rendering
    # step, which may come after the load event.
    page.wait_for_function(
        "() => { const element = document.querySelector('[autofocus]');"
        " return !element || document.activeElement === element; }"
    )
    seen: list[dict[str, Any]] = []
    initial: dict[str, Any] | None = page.evaluate(FOCUSED_SCRIPT)
    if initial is not None:
        seen.append(initial)
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused: dict[str, Any] | None = page.evaluate(FOCUSED_SCRIPT)
        if focused is None:
            continue
        if seen and focused == seen[0]:
            break
        seen.append(focused)
    return seen
