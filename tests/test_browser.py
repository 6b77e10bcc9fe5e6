"""The pages in real headless Chromium (Debian's `chromium`, driven by Playwright), against a
real server on 127.0.0.1 serving an index built from seeds/ (the `server` and `browser`
fixtures of conftest.py)."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    outside = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    yield pg
    context.close()
    assert not outside, f"the page loaded from outside the server: {outside}"


def test_search_shows_highlighted_snippets_and_facets(page, server):
    page.goto(server + "/")
    page.fill("input[name=q]", "sanksi PBB")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit").count() >= 3
    marks = page.locator("li.hit .snippet mark").all_inner_texts()
    assert any(m.lower() == "sanksi pbb" for m in marks), marks
    assert page.locator("section.facet[data-facet=outlet] li").count() >= 1


def test_facet_click_filters_and_chip_removes_it(page, server):
    page.goto(server + "/?q=Korea")
    before = page.locator("li.hit").count()
    page.locator("section.facet[data-facet=outlet] li a", has_text="Kontan").click()
    page.wait_for_selector(".chip")
    assert "outlet=Kontan" in page.url
    assert page.locator("li.hit").count() == 1
    assert page.locator("li.hit .meta .outlet").all_inner_texts() == ["Kontan"]
    page.locator(".chip").first.click()
    page.wait_for_load_state()
    assert "outlet=" not in page.url and page.locator(".chip").count() == 0
    assert page.locator("li.hit").count() == before


def test_snippet_opens_article_at_paragraph_with_highlight_and_citation(page, server):
    page.goto(server + "/?q=kunjungan&outlet=Kontan")
    snippet = page.locator("li.hit a.snippet").first
    number = snippet.locator(".pn").inner_text().strip("¶")
    snippet.click()
    page.wait_for_url(f"**/articles/**#p{number}")
    para = page.locator(f"#p{number}")
    assert para.locator("mark").count() >= 1
    assert para.is_visible() and para.bounding_box()["y"] < 900  # scrolled into view
    para.locator("summary").click()
    citation = para.locator("textarea.citation").input_value()
    assert f"Paragraf {number}" in citation and f"/p{number}-" in citation
    permalink = para.locator("input.permalink").input_value()
    assert re.search(rf"/articles/[^/]+/p{number}-[0-9a-f]{{16}}$", permalink), permalink
    page.goto(permalink)  # the durable permalink: the server redirects to today's anchor
    page.wait_for_url(f"**/articles/**#p{number}")
    assert page.locator(f"#p{number}").is_visible()


def test_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(server + "/")
    pg.fill("input[name=q]", "sanksi")
    pg.press("input[name=q]", "Enter")
    pg.wait_for_selector("li.hit")
    pg.select_option("form.sort select", "oldest")
    pg.locator("form.sort button").click()
    pg.wait_for_load_state()
    assert "sort=oldest" in pg.url and pg.locator("li.hit").count() >= 1
    pg.locator("li.hit a.snippet").first.click()
    pg.locator("details.cite summary").first.click()
    assert "Paragraf" in pg.locator("textarea.citation").first.input_value()
    context.close()


def test_english_interface(page, server):
    page.goto(server + "/?q=sanksi&lang=en")
    assert page.locator("button[type=submit]").first.inner_text() == "Search"
    page.goto(server + "/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"


def test_quotes_page_facet_and_first_appearance(page, server):
    page.goto(server + "/kutipan?q=mekanisme+perdagangan&lang=id")
    page.locator(".facets a", has_text="Vladimir Putin").first.click()
    page.wait_for_url("**speaker=Vladimir+Putin**")
    hit = page.locator("li.quote-hit", has_text="sebagian atau parafrase").first
    assert "Vladimir Putin" in hit.inner_text()
    hit.locator("p.meta a").first.click()  # the first appearance: Kontan, ¶3
    page.wait_for_url("**/articles/002_a7e7424a1120ba56#p3")
    para = page.locator("#p3")
    assert para.locator("span.quote").count() >= 1
    assert "pertama muncul di sini" in para.locator(".quote-note").first.inner_text()
    para.locator(".quote-note a").first.click()  # its other appearance, in 003
    page.wait_for_url("**/articles/003_89fcd6159c03982d#p3")


def test_collapse_by_story_and_open_the_story(page, server):
    page.goto(server + "/?q=Putin&lang=id")
    every = page.locator("li.hit").count()
    page.locator(".summary .collapse a").click()
    page.wait_for_url("**collapse=story**")
    assert page.locator("li.hit").count() == every - 1  # 002 and 003 are one story
    page.locator("li.hit p.story a").first.click()
    page.wait_for_url("**story=s**")
    assert page.locator("li.hit").count() == 2 and page.locator("a.chip").count() >= 1
