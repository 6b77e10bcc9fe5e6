"""Every page type in real Chromium, at a phone's width and a desktop's, in both languages: no
horizontal scrolling, the search box and button in view, the facets reachable (behind "Saring"
on a phone, also without JavaScript), tap targets of at least 44 px on a phone, one h1, and
axe-core with no critical, serious or moderate violation.

A screenshot of each page type at each width and language is saved under tests/artifacts/
(git-ignored): look at them. To check a new page type, add it to PAGE_TYPES.
"""
from __future__ import annotations

import json

import pytest

from conftest import ARTIFACTS, AXE_JS, AXE_RUN, BLOCKING

pytestmark = pytest.mark.browser

SEED_ID = "002_a7e7424a1120ba56"

#: Every page type, as a path on the seeds index. Add one here and
#: every check below runs on it. The search pages list facets.
PAGE_TYPES = {
    "search": "/?q=sanksi&per_page=3",
    "browse": "/",
    "zero": "/?q=zzyzxqq",
    "article": f"/articles/{SEED_ID}?q=sanksi",
    "help": "/help",
    "about": "/about",
    "search-stories": "/?q=sanksi&collapse=story&per_page=3",
    "quotes": "/kutipan",
    "quotes-search": "/kutipan?q=perdagangan",
    "404": "/tidak-ada-halaman-ini",
    "lost-paragraph": f"/articles/{SEED_ID}/p1-0000000000000000",  # a permalink nothing matches
}
FACETED = {"search", "search-stories", "browse", "zero"}
WIDTHS = {"phone": 360, "desktop": 1440}
LANGS = ("id", "en")
TAP = 44  # px, WCAG 2.5.5


def url(server: str, path: str, lang: str) -> str:
    return server + path + ("&" if "?" in path else "?") + "lang=" + lang


@pytest.fixture
def open_page(browser, server):
    """open_page(path, lang, width, js=True): a fresh context's page, loaded; axe-core is added
    to every page from disk (an init script, so the pages' strict CSP does not apply to it)."""
    contexts = []

    def open_(path: str, lang: str, width: int, js: bool = True):
        if js and not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing; `make test` installs axe-core with npm (package.json).")
        context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=js)
        if js:
            context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        pg = context.new_page()
        outside = []
        pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
        pg.goto(url(server, path, lang))
        assert not outside, f"the page loaded from outside the server: {outside}"
        return pg

    yield open_
    for c in contexts:
        c.close()


def overflow(pg) -> int:
    """How many px the page is wider than the viewport."""
    return pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def in_view(pg, selector: str) -> bool:
    """The element is shown and lies wholly inside the viewport's width."""
    loc = pg.locator(selector).first
    if not loc.is_visible():
        return False
    box = loc.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= pg.viewport_size["width"] + 0.5


SMALL_TARGETS = """(min) => {
  const out = [];
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const el of document.querySelectorAll(controls)) {
    // A checkbox is tapped through its label; a link inside running text is exempt (WCAG 2.5.5).
    const target = el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')
      ? el.closest('label') : el;
    if (el.closest('.prose p, .prose li, .prose td')) continue;
    const r = target.getBoundingClientRect();
    const s = getComputedStyle(target);
    // not shown (a closed <details> keeps its content laid out but skips painting it)
    if (!r.width || !r.height || s.visibility === 'hidden' || r.right <= 0 || !target.checkVisibility()) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const text = (el.textContent || el.value || '').trim().slice(0, 30);
      out.push(`${el.tagName.toLowerCase()}.${el.className} "${text}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return out;
}"""


def axe_violations(pg, name: str) -> list[dict]:
    found = pg.evaluate(AXE_RUN)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    return found


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_fits_and_passes_axe(open_page, kind, lang, width):
    px = WIDTHS[width]
    pg = open_page(PAGE_TYPES[kind], lang, px)
    name = f"{kind}-{lang}-{px}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    assert overflow(pg) <= 0, f"{name}: {overflow(pg)} px of horizontal scrolling"
    assert in_view(pg, "form.searchbar input[name=q]"), f"{name}: the search box is not in view"
    assert in_view(pg, "form.searchbar button[type=submit]"), f"{name}: the search button is not in view"
    assert pg.locator("h1").count() == 1, f"{name}: {pg.locator('h1').count()} h1 elements"
    if kind in FACETED:
        assert_facets_reachable(pg, px)
    if px < 760:
        small = pg.evaluate(SMALL_TARGETS, TAP)
        assert not small, f"{name}: tap targets under {TAP} px: {small}"
    bad = [v for v in axe_violations(pg, name) if v["impact"] in BLOCKING]
    assert not bad, f"{name}: axe violations: {json.dumps(bad, indent=1, ensure_ascii=False)}"


def assert_facets_reachable(pg, px: int) -> None:
    """On a phone the facets wait behind "Saring", above the results; on a desktop they show."""
    facet = pg.locator(".facets form.range input[name=from]")
    if px < 760:
        summary = pg.locator("details.filters > summary")
        assert summary.is_visible() and not facet.is_visible()
        first_hit = pg.locator("li.hit").first
        if first_hit.count():
            assert summary.bounding_box()["y"] < first_hit.bounding_box()["y"], "Saring is below the results"
        summary.click()
    assert facet.is_visible()


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_facets_reachable_without_javascript(open_page, width):
    pg = open_page("/?q=sanksi", "id", WIDTHS[width], js=False)
    assert overflow(pg) <= 0
    assert_facets_reachable(pg, WIDTHS[width])
    outlet = pg.locator("section.facet[data-facet=outlet] li a").first
    assert outlet.is_visible()
    outlet.click()
    pg.wait_for_load_state()
    assert "outlet=" in pg.url and pg.locator("li.hit").count() >= 1


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_scrolls_sideways_from_320_px_up(browser, server, lang):
    """Every page type at the narrowest phones and the widths between a phone and a desktop."""
    context = browser.new_context(viewport={"width": 320, "height": 700})
    pg = context.new_page()
    try:
        for px in (320, 375, 414, 600, 760, 761, 1024):
            pg.set_viewport_size({"width": px, "height": 700})
            for kind, path in PAGE_TYPES.items():
                pg.goto(url(server, path, lang))
                name = f"{kind}-{lang}-{px}"
                assert overflow(pg) <= 0, f"{name}: {overflow(pg)} px of horizontal scrolling"
                assert in_view(pg, "form.searchbar button[type=submit]"), f"{name}: the search button is not in view"
    finally:
        context.close()
