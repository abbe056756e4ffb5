"""What readers see: on every content page the review block and the conflict-of-interest disclosure are
visible, in both colour schemes (the gate checks the markup and the stylesheets; this is the browser's word).

Visible means: present once, with a non-empty box on the page, and neither it nor any ancestor has
display none, visibility other than visible, opacity 0, zero font size, a closed <details> or
`hidden`, and its text is not drawn in its background's colour.
"""

from __future__ import annotations

import pytest

from .support import page_html

FURNITURE = {".health-footer": "review block", ".health-footer__disclosure": "disclosure",
             ".health-footer__dates": "review dates"}

# Why each element in FURNITURE is not visible ("" when it is), computed in the page.
HIDDEN = """(selectors) => selectors.map(s => {
  const found = document.querySelectorAll(s);
  if (found.length !== 1) return [s, `${found.length} on the page`];
  const el = found[0];
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const st = getComputedStyle(n);
    if (st.display === 'none') return [s, `display none on <${n.tagName.toLowerCase()}>`];
    if (st.visibility !== 'visible') return [s, `visibility ${st.visibility}`];
    if (parseFloat(st.opacity) === 0) return [s, `opacity 0 on <${n.tagName.toLowerCase()}>`];
    if (n !== el && n.tagName === 'DETAILS' && !n.open) return [s, 'inside a closed <details>'];
    if (n.hidden) return [s, 'hidden'];
  }
  const box = el.getBoundingClientRect();
  if (!(box.width > 0 && box.height > 0)) return [s, 'its box is empty'];
  if (el.checkVisibility && !el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true}))
    return [s, 'checkVisibility() is false'];
  const st = getComputedStyle(el);
  if (parseFloat(st.fontSize) < 6) return [s, `font size ${st.fontSize}`];
  if (st.color === st.backgroundColor) return [s, 'text in its background colour'];
  el.scrollIntoView({block: 'center'});
  const b = el.getBoundingClientRect();
  const top = document.elementFromPoint(b.left + Math.min(b.width / 2, 20), b.top + Math.min(b.height / 2, 10));
  if (top && !el.contains(top) && !top.contains(el)) return [s, `covered by <${top.tagName.toLowerCase()} class="${top.className}">`];
  return [s, ''];
})"""

HOSTILE_FIXTURE = "__fixtures__/hidden-disclosure.html"


def _problems(tab) -> list[str]:
    return [f"{FURNITURE[s]}: {why}" for s, why in tab.page.evaluate(HIDDEN, list(FURNITURE)) if why]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_review_block_and_disclosure_are_visible_on_every_content_page(open_tab, content_pages, scheme):
    assert content_pages, "no content page found"
    tab = open_tab(color_scheme=scheme)
    problems = []
    for path in content_pages:
        tab.goto(path)
        problems += [f"/{path} ({scheme}): {p}" for p in _problems(tab)]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("hide, expected", [
    ("<style>.health-footer__disclosure{display:none}</style>", "disclosure: "),
    ("<style>.health-footer{opacity:0}</style>", "review block: "),
    ("<style>.health-footer__disclosure{color:#fff;background:#fff}</style>", "disclosure: text in its background colour"),
    ("<details-wrap>", "inside a closed <details>"),
])
def test_the_browser_check_sees_a_hidden_disclosure(open_tab, fixture_pages, site_dir, content_pages, hide, expected):
    """The probe itself: a copy of a real content page with its furniture hidden is reported."""
    html = page_html(site_dir, content_pages[0])
    if hide == "<details-wrap>":
        start = html.index('<aside class="health-footer"')
        end = html.index("</aside>", start) + len("</aside>")
        html = html[:start] + "<details><summary>More</summary>" + html[start:end] + "</details>" + html[end:]
    else:
        # The copy has no policy of its own, so the inline style applies (on the site, CSS002 and the CSP refuse it).
        html = html.replace('<meta http-equiv="Content-Security-Policy"', '<meta name="x-policy-removed"', 1)
        html = html.replace("</head>", hide + "</head>", 1)
    fixture_pages["/" + HOSTILE_FIXTURE] = ("text/html; charset=utf-8", html.encode())
    tab = open_tab()
    tab.goto(HOSTILE_FIXTURE)
    problems = _problems(tab)
    assert any(expected in p for p in problems), problems
