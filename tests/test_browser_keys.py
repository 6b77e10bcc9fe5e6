"""Keyboard shortcuts in real Chromium (static/kliping.js): `/` to the search box, j/k through the
results with a visible focus, Enter opens the chosen one, `?` lists the shortcuts, everything
said to screen readers through a live region, in the page's language, and a switch turns the
shortcuts off (remembered in this browser)."""
from __future__ import annotations

import pytest

from conftest import AXE_JS, AXE_RUN, BLOCKING

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.add_init_script(path=str(AXE_JS))
    pg = context.new_page()
    yield pg
    context.close()


def focused(pg) -> dict:
    """The focused element: its tag, text, the item holding it and how its focus is drawn."""
    return pg.evaluate("""() => {
      const el = document.activeElement, s = getComputedStyle(el);
      const item = el.closest('li.hit, section.para');
      return {tag: el.tagName, id: el.id, text: el.textContent.trim(), href: el.getAttribute('href'),
              item: item ? item.dataset.id || item.id : null, current: !!(item && item.classList.contains('current')),
              outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
    }""")


def announced(pg) -> str:
    """What the live region says, once it says something (polled: the pages' CSP forbids the
    string evaluation wait_for_function uses)."""
    for _ in range(100):
        text = pg.locator("#announce").text_content()
        if text:
            return text
        pg.wait_for_timeout(20)
    return ""


def test_slash_focuses_the_search_box_without_typing_a_slash(page, server):
    page.goto(server + "/?q=sanksi")
    page.locator("h1").click()  # focus on the page, not in a field
    page.keyboard.press("/")
    assert focused(page)["id"] == "q"
    assert page.locator("#q").input_value() == "sanksi"
    page.keyboard.type("PBB")  # the query was selected: typing replaces it
    assert page.locator("#q").input_value() == "PBB"


def test_j_and_k_move_through_results_with_visible_focus_and_enter_opens(page, server):
    page.goto(server + "/?q=sanksi")
    ids = page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.id)")
    assert len(ids) >= 3
    page.keyboard.press("j")
    first = focused(page)
    assert first["tag"] == "A" and first["item"] == ids[0] and first["current"] and first["outline"], first
    assert announced(page) == f"Hasil 1 dari {len(ids)}"
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused(page)["item"] == ids[2]
    page.keyboard.press("k")
    second = focused(page)
    assert second["item"] == ids[1] and second["outline"]
    assert page.locator("li.hit.current").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{ids[1]}**")
    assert page.locator("h1").count() == 1


def test_j_and_k_move_through_paragraphs_on_an_article(page, server):
    page.goto(server + "/articles/002_a7e7424a1120ba56?q=sanksi&lang=en")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused(page)["item"] == "p2"
    assert announced(page).startswith("Paragraph 2 of ")


def test_typing_j_in_the_search_box_is_just_typing(page, server):
    page.goto(server + "/?q=")
    page.locator("#q").click()
    page.keyboard.type("jk/?")
    assert page.locator("#q").input_value() == "jk/?"
    assert not page.locator("dialog#keys").evaluate("d => d.open")


def test_question_mark_lists_the_shortcuts_and_escape_closes(page, server):
    page.goto(server + "/?q=sanksi&lang=en")
    page.keyboard.press("j")
    page.keyboard.press("?")
    dialog = page.locator("dialog#keys")
    assert dialog.is_visible()
    assert dialog.locator("h2").inner_text() == "Keyboard shortcuts"
    keys = dialog.locator("kbd").all_inner_texts()
    assert {"/", "j", "k", "Enter", "?"} <= set(keys)
    violations = [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]
    assert not violations, violations
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert focused(page)["tag"] == "A"  # back where it was, on the first result


def test_shortcuts_can_be_switched_off_and_stay_off(page, server):
    page.goto(server + "/?q=sanksi")
    footer_button = page.locator("button.keys-open")
    assert footer_button.is_visible()  # the list is reachable without knowing `?`
    footer_button.click()
    page.locator("dialog#keys .keys-switch input").uncheck()
    assert announced(page) == "Pintasan papan ketik dimatikan."
    page.keyboard.press("Escape")
    page.reload()
    page.locator("h1").click()
    for key in ("j", "/", "?"):
        page.keyboard.press(key)
    assert focused(page)["id"] != "q" and page.locator("li.hit.current").count() == 0
    assert not page.locator("dialog#keys").evaluate("d => d.open")
    page.locator("button.keys-open").click()  # and on again
    page.locator("dialog#keys .keys-switch input").check()
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("j")
    assert page.locator("li.hit.current").count() == 1


def test_the_search_box_announces_its_shortcut(page, server):
    page.goto(server + "/")
    assert page.locator("#q").get_attribute("aria-keyshortcuts") == "/"
    assert page.locator("#announce").get_attribute("role") == "status"
