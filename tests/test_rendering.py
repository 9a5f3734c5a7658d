"""Markdown rendering is safe against script, event handlers and dangerous links."""
import pytest

from community.rendering import contains_link, mentioned_handles, render_markdown


def test_markdown_becomes_html():
    html = render_markdown("**fett** und *kursiv*\n\n- eins\n- zwei")
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html and "<li>eins</li>" in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src=https://example.org></iframe>",
    "<svg onload=alert(1)>",
])
def test_raw_html_is_escaped_not_rendered(hostile):
    html = render_markdown(hostile)
    assert "<" not in html.replace("<p>", "").replace("</p>", ""), html  # only escaped text remains


@pytest.mark.parametrize("link", [
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD4=)",
    "[klick](vbscript:msgbox(1))",
])
def test_dangerous_link_schemes_never_become_links(link):
    html = render_markdown(link)
    assert "href" not in html, html  # the text may stay, as text


def test_safe_links_keep_their_target_and_get_a_safe_rel():
    html = render_markdown("[OZG](https://www.onlinezugangsgesetz.de)")
    assert 'href="https://www.onlinezugangsgesetz.de"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


def test_mentions_are_found_once_each_in_order():
    assert mentioned_handles("@anna fragt @bernd.k, und @anna nochmal; mail@example.org nicht") == ["anna", "bernd.k"]


def test_links_are_detected_in_every_form():
    assert contains_link("siehe https://example.org")
    assert contains_link("[hier](https://example.org)")
    assert contains_link("www.example.org")
    assert not contains_link("Kein Link, nur Text über E-Akte.")
