"""Keyboard and touch: a skip link first, a focus ring that can be seen, footnotes by Tab and by tap."""

from __future__ import annotations

import pytest

from .support import DESKTOP, MOBILE, contrast_ratio, page_html, parse_rgb, wait_until

ACTIVE = "(() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 160) : null })()"


@pytest.fixture(scope="module")
def cited_page(site_dir, content_pages) -> str:
    """A content page with citation footnotes."""
    for path in content_pages:
        if 'class="footnote-ref"' in page_html(site_dir, path):
            return path
    pytest.fail("no content page has a footnote")


def test_skip_link_is_first_visible_and_works(open_tab, site_pages):
    """On every page the first Tab stop is a visible "Skip to content" that jumps to the content."""
    tab = open_tab()
    problems = []
    for path in site_pages:
        tab.goto(path)
        tab.page.keyboard.press("Tab")
        # Material fades the skip link in when it gets focus (a 0.25 s transition): jump to where its
        # transitions end, what a reader sees a moment later, instead of waiting on every page.
        info = tab.page.evaluate(
            """() => {
              const e = document.activeElement;
              e.getAnimations().forEach((a) => a.finish());
              const r = e.getBoundingClientRect(), href = e.getAttribute('href') || '';
              return {cls: e.className, text: e.textContent.trim(), href,
                      target: href.startsWith('#') && !!document.getElementById(decodeURIComponent(href.slice(1))),
                      visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight,
                      outline: getComputedStyle(e).outlineStyle, opacity: getComputedStyle(e).opacity}
            }"""
        )
        if (
            "md-skip" not in info["cls"]
            or not info["target"]
            or not info["visible"]
            or info["opacity"] != "1"
            or info["outline"] == "none"
        ):
            problems.append(f"/{path}: first Tab stop is {info}")
            continue
        tab.page.keyboard.press("Enter")
        if tab.page.evaluate("location.hash") != info["href"]:
            problems.append(f"/{path}: Enter on the skip link did not go to {info['href']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_is_visible_on_links_in_text(open_tab, cited_page, scheme):
    """Tab to the first link in the article: it has an outline of at least 2px, at 3:1 against the page."""
    tab = open_tab(color_scheme=scheme)
    tab.goto(cited_page)
    for _ in range(80):
        tab.page.keyboard.press("Tab")
        if tab.page.evaluate(
            "(() => { const e = document.activeElement; return !!e.closest('article') && e.matches("
            "'.md-typeset p a:not(.headerlink):not(.md-content__button), .md-typeset li a:not(.headerlink)') })()"
        ):
            break
    else:
        pytest.fail(f"no link in the article text is reachable by Tab on /{cited_page}")
    style = tab.page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
                   return {el: e.outerHTML.slice(0, 120), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                           color: s.outlineColor, bg: getComputedStyle(document.body).backgroundColor,
                           focusVisible: e.matches(':focus-visible')} }"""
    )
    assert style["focusVisible"], style
    assert style["style"] not in ("none", "hidden") and style["width"] >= 2, style
    ratio = contrast_ratio(parse_rgb(style["color"]), parse_rgb(style["bg"]))
    assert ratio >= 3, f"focus ring {style['color']} on {style['bg']} is {ratio:.2f}:1 ({style['el']})"


def tooltip_state(tab) -> dict:
    """The open tooltip, once its fade-in has finished."""
    wait_until(
        tab.page,
        "(() => { const t = document.querySelector('.md-tooltip2--active');"
        " return !!t && getComputedStyle(t).opacity === '1' })()",
    )
    return tab.page.evaluate(
        """() => { const t = document.querySelector('.md-tooltip2--active');
                   if (!t) return {open: false};
                   const r = t.getBoundingClientRect(), s = getComputedStyle(t);
                   return {open: true, text: t.innerText.trim(), opacity: s.opacity, visibility: s.visibility,
                           inView: r.bottom > 0 && r.top < innerHeight && r.height > 0} }"""
    )


def footnote_text(tab, ref_selector: str) -> str:
    return tab.page.evaluate(
        f"""(() => {{ const a = document.querySelector({ref_selector!r});
                     const li = document.getElementById(decodeURIComponent(a.hash.slice(1)));
                     return li.innerText.replace('↩', '').trim() }})()"""
    )


def test_footnote_tooltip_opens_from_the_keyboard(open_tab, cited_page):
    tab = open_tab(viewport=DESKTOP)
    tab.goto(cited_page)
    for _ in range(120):
        tab.page.keyboard.press("Tab")
        if tab.page.evaluate("document.activeElement.matches('article a.footnote-ref')"):
            break
    else:
        pytest.fail(f"no footnote reference is reachable by Tab on /{cited_page}")
    tab.page.locator(".md-tooltip2--active").wait_for(state="visible", timeout=3000)
    state = tooltip_state(tab)
    expected = footnote_text(tab, "article a.footnote-ref")
    assert state["open"] and state["inView"] and state["opacity"] == "1", state
    assert expected[:40] in state["text"], (expected, state)
    tooltip_id = tab.page.evaluate("document.activeElement.getAttribute('aria-controls')")
    assert tooltip_id, "the focused reference must point to its tooltip (aria-controls)"
    tab.page.evaluate("document.activeElement.blur()")  # moving away closes it
    wait_until(tab.page, f"!document.querySelector('#{tooltip_id}.md-tooltip2--active')")


def test_footnote_tooltip_opens_by_tap_and_a_second_tap_follows_the_link(open_tab, cited_page):
    tab = open_tab(viewport=MOBILE, has_touch=True, is_mobile=True)
    tab.goto(cited_page)
    ref = tab.page.locator("article a.footnote-ref").first
    ref.scroll_into_view_if_needed()
    start = tab.page.url
    ref.tap()
    tab.page.locator(".md-tooltip2--active").wait_for(state="visible", timeout=3000)
    state = tooltip_state(tab)
    assert tab.page.url == start, "the first tap must show the tooltip, not jump to the footnotes"
    assert state["inView"] and footnote_text(tab, "article a.footnote-ref")[:40] in state["text"], state
    ref.tap()
    wait_until(tab.page, "location.hash.startsWith('#fn')")
