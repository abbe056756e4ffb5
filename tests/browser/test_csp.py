"""Content-Security-Policy: in every page's <head>, in site/_headers, and obeyed by Chromium.

The server applies site/_headers as Netlify or Cloudflare Pages would, so the
browser enforces both the header policy and the meta policy (the stricter of
the two wins), exactly as on such a host.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from medsite.output import csp, template_marks

from .support import page_html, search

HASH = re.compile(r"^'sha256-[A-Za-z0-9+/]{43}='$")
# 'wasm-unsafe-eval' lets search (Pagefind) compile its WebAssembly; eval() stays blocked (csp.WASM_SOURCE).
ALLOWED_KEYWORDS = {"'self'", "'none'", csp.WASM_SOURCE}
VIOLATION_FIXTURE = "/__fixtures__/csp-violation.html"


def meta_policy(html: str) -> tuple[str | None, int, int]:
    """The page's CSP meta content, its position among <head>'s children, and the first resource's."""
    head = LexborHTMLParser(html).head
    position, first_resource, content = -1, 10**6, None
    for index, node in enumerate(child for child in head.iter() if child.tag != "-text"):
        if node.tag == "meta" and (node.attributes.get("http-equiv") or "").lower() == "content-security-policy":
            position, content = index, node.attributes.get("content")
        if node.tag in ("script", "style", "link") and first_resource == 10**6:
            first_resource = index
    return content, position, first_resource


def test_every_page_has_the_policy_first_in_head(site_dir, site_pages):
    problems = []
    for path in site_pages:
        content, position, first_resource = meta_policy(page_html(site_dir, path))
        if content is None:
            problems.append(f"/{path}: no CSP meta tag")
        elif position > first_resource:
            problems.append(f"/{path}: CSP meta comes after a script, style or link, which it would not govern")
    assert not problems, "\n".join(problems)


def check_policy(text: str) -> list[str]:
    """What is wrong with a policy: third-party origins, inline script other than by hash, …"""
    policy = csp.parse(text)
    problems = []
    for directive, sources in policy.items():
        for source in sources:
            if source in ALLOWED_KEYWORDS or (directive == "img-src" and source == "data:"):
                continue
            if directive in ("script-src", "style-src") and HASH.match(source):
                continue
            if directive == "style-src" and source == "'unsafe-hashes'":
                continue
            problems.append(f"{directive} allows {source}")
    for directive, expected in {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }.items():
        if policy.get(directive) != expected:
            problems.append(f"{directive} is {policy.get(directive)}, expected {expected}")
    if "script-src" not in policy:
        problems.append("no script-src")
    return problems


def test_policy_allows_no_third_party_and_inline_script_only_by_hash(site_dir, site_pages):
    problems = []
    for path in site_pages:
        html = page_html(site_dir, path)
        text, _, _ = meta_policy(html)
        problems += [f"/{path}: {p}" for p in check_policy(text or "")]
        found = csp.scan(html)
        hashes = set(csp.parse(text or "").get("script-src", [])) - {"'self'", csp.WASM_SOURCE}
        if set(found.scripts) != hashes:
            problems.append(f"/{path}: script hashes {sorted(hashes)} do not match the inline scripts {found.scripts}")
        if found.handlers:
            problems.append(f"/{path}: inline event handlers {found.handlers}")
    assert not problems, "\n".join(problems)


def test_the_policy_check_would_catch_a_weak_policy():
    assert check_policy("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.example; object-src 'none'; "
                        "base-uri 'self'; form-action 'self'") == [
        "script-src allows 'unsafe-inline'",
        "script-src allows https://cdn.example",
    ]


def test_headers_file_carries_the_same_policy(site_dir, site_pages):
    headers = csp.read_headers((site_dir / csp.HEADERS_FILE).read_text(encoding="utf-8"))
    header = csp.parse(headers[csp.META_NAME])
    assert check_policy(headers[csp.META_NAME]) == []
    assert header.pop("frame-ancestors") == ["'none'"], "only a header can forbid framing"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("no-referrer", "strict-origin-when-cross-origin", "same-origin")
    all_hashes = set()
    for path in site_pages:
        page = csp.parse(meta_policy(page_html(site_dir, path))[0])
        all_hashes.update(page["script-src"])
        # Same directives; each page's sources are a subset of the header's (the header has every page's hashes).
        assert set(page) == set(header), f"/{path}: {sorted(set(page) ^ set(header))}"
        for directive, sources in page.items():
            assert set(sources) <= set(header[directive]), f"/{path}: {directive} {sources} not in _headers"
    assert set(header["script-src"]) == all_hashes, "_headers allows a script hash no page has"


def test_served_pages_carry_the_header(open_tab):
    tab = open_tab()
    response = tab.goto("")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_browser_reports_no_violation_on_any_page(open_tab, site_pages, content_pages):
    """Every page, with the policy enforced, plus what readers do: search, footnote tooltips, palette switch."""
    tab = open_tab()
    problems = []
    for path in site_pages:
        tab.goto(path)
        if path == content_pages[0]:
            footnote = tab.page.locator("article a.footnote-ref").first
            if footnote.count():
                footnote.focus()
                tab.page.locator(".md-tooltip2--active").wait_for(state="visible")
            tab.page.locator("label.md-header__button[for^='__palette']").first.click()
            assert search(tab.page, "stem") > 0
        tab.page.wait_for_timeout(50)  # let late violations (workers, async fetches) be reported
        problems += [f"/{path}: {v}" for v in tab.violations()]
        problems += [f"/{path}: {m}" for m in tab.console.messages]
    assert not problems, "\n".join(problems)


def test_the_browser_check_catches_an_unhashed_inline_script(open_tab, fixture_pages):
    """A page protected by csp.protect, with one shipped (marked) inline script and one that is not: Chromium runs only the first."""
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>fixture</title>"
        f'<script {template_marks.ATTR}="s3cret">window.hashed = 1</script>'
        "<script>window.unhashed = 1</script>"
        # Data blocks: never executed, so Chromium does not check them against script-src.
        '<script type="application/ld+json">{"@type": "MedicalWebPage"}</script>'
        '<script type="application/json" id="data">{"a": 1}</script>'
        "</head><body><p>fixture</p></body></html>"
    )
    protected, inline, strays = csp.protect(page, "s3cret")
    assert len(inline.scripts) == 1 and [s.kind for s in strays] == ["script"]
    assert template_marks.ATTR not in protected
    fixture_pages[VIOLATION_FIXTURE] = ("text/html; charset=utf-8", protected.encode())
    tab = open_tab()
    tab.goto(VIOLATION_FIXTURE.lstrip("/"))
    assert tab.page.evaluate("[window.hashed, window.unhashed]") == [1, None]
    assert tab.page.evaluate("JSON.parse(document.getElementById('data').textContent).a") == 1
    violations = tab.violations()
    assert [v["directive"] for v in violations] == ["script-src-elem"], violations
    assert any("Content Security Policy" in m for m in tab.console.messages)


def test_scan_hashes_executable_inline_scripts_only():
    html = (
        "<head><meta charset=utf-8><script>a()</script><script type=module>b()</script>"
        "<script src=x.js></script><script type=application/ld+json>{}</script>"
        "<script type=application/json>{}</script><script type=text/plain>c</script></head>"
        "<body><p style='color: red' onclick='d()'>x</p></body>"
    )
    found = csp.scan(html)
    assert found.scripts == (csp.sha256_source("a()"), csp.sha256_source("b()"))
    assert found.style_attrs == (csp.sha256_source("color: red"),)
    assert found.handlers == ("<p onclick>",)
    text = csp.policy(found)
    assert "'unsafe-hashes'" in csp.parse(text)["style-src"]
    # Known value: echo -n 'a()' | openssl dgst -sha256 -binary | base64
    assert csp.sha256_source("a()") == "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"


def test_inject_puts_the_policy_first_and_replaces_an_old_one():
    html = '<!doctype html><html><head>\n<meta charset="utf-8">\n<link rel=stylesheet href=a.css></head></html>'
    once = csp.inject(html, "default-src 'self'")
    assert once.index("Content-Security-Policy") < once.index("<link")
    assert once.index('<meta charset="utf-8">') < once.index("Content-Security-Policy")
    twice = csp.inject(once, "default-src 'none'")
    assert twice.count("Content-Security-Policy") == 1 and "default-src 'none'" in twice


def test_headers_file_round_trips():
    text = csp.headers_file("default-src 'self'; frame-ancestors 'none'")
    assert csp.read_headers(text) == {
        "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
        **dict(csp.EXTRA_HEADERS),
    }


def test_dev_server_preview_gets_no_policy():
    """`mkdocs serve` adds its own inline live-reload script to each response; no hash can allow it."""
    from types import SimpleNamespace

    addr = SimpleNamespace(host="127.0.0.1", port=8000)
    assert csp.is_dev_server({"dev_addr": addr, "site_url": "http://127.0.0.1:8000/"})
    assert not csp.is_dev_server({"dev_addr": addr, "site_url": "https://ms-stem-cells.zignagenix.example/"})
