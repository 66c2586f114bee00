"""Data text is data: escaped strings stay text through MyST's Markdown parser and an HTML parser.

The parser is MyST's own, with every extension the book enables (and a few more), rendering
to HTML; the HTML is then read by Python's HTML parser, and the test asserts that the only
elements are the paragraph around the text and that the reader sees the original text.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from improvement_report.render import escape as escape_module
from improvement_report.render.escape import escape, one_line

PAYLOADS = [
    "EDT <script>alert(1)</script>",
    "IPE <img src=x onerror=alert(2)>",
    "```{raw} html\n<script>alert(3)</script>\n```",
    ":::{raw} html\n<b>x</b>\n:::",
    "{raw}`html <script>alert(4)</script>`",
    "{download}`/etc/passwd`",
    "[click](javascript:alert(5))",
    "<javascript:alert(6)>",
    "$$\\href{javascript:alert(7)}{x}$$",
    "$x$ and `code` and ``double``",
    "<!-- comment --> after",
    "line\n# heading\n- item\n1. item\n> quote\n---",
    "a\r\n```python\nprint(1)\n```",
    "{{ substitution }}",
    "www.example.com and someone@example.org",
    "&lt;script&gt; and &#60;b&#62;",
    "\\<script>",
    "a | b | c",
    "**bold** _em_ ~~strike~~",
    "‮reversed‬ and \u2028 line separator",
    "nul\x00byte and bell\x07",
    "' onmouseover='alert(8)",
    '" onfocus="alert(9)" autofocus="',
]

EXTENSIONS = {
    "colon_fence",
    "dollarmath",
    "amsmath",
    "linkify",
    "substitution",
    "deflist",
    "tasklist",
    "html_image",
    "html_admonition",
    "replacements",
}
MYST = create_md_parser(MdParserConfig(enable_extensions=EXTENSIONS), RendererHTML)


class _Elements(HTMLParser):
    """Collect start tags, attributes, comments and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.comments, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.text.append(data)


def _parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_one_paragraph_of_text_in_myst(payload):
    rendered = MYST.render(f"The team {escape(payload)} recorded most.\n")
    parsed = _parse(rendered)
    assert parsed.tags == [("p", [])], rendered
    assert not parsed.comments
    assert "".join(parsed.text).strip() == f"The team {one_line(payload)} recorded most."


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_alone_on_a_line_starts_no_block(payload):
    rendered = MYST.render(escape(payload) + "\n")
    tags = [tag for tag, _ in _parse(rendered).tags]
    assert tags in ([], ["p"]), rendered


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_text_in_html_element_and_quoted_attribute(payload):
    markup = f'<p title="{escape(payload)}">{escape(payload)}</p>'
    parsed = _parse(markup)
    assert parsed.tags == [("p", [("title", one_line(payload))])]
    assert "".join(parsed.text) == one_line(payload)


def test_plain_names_are_unchanged():
    assert escape("London Borough of Barnet") == "London Borough of Barnet"
    assert escape("Team 4, North") == "Team 4, North"
    assert escape("Zoë Ørsted") == "Zoë Ørsted"


def test_known_encoding():
    # Written out by hand: < is 60, > is 62, ( is 40, ) is 41, / is 47.
    assert escape("<b>(x)</b>") == "&#60;b&#62;&#40;x&#41;&#60;&#47;b&#62;"


def test_one_line_removes_controls_and_bidi():
    assert one_line("a\nb\r\nc\td\x00e\x1bf\u2028g\u2029h") == "a b c d e f g h"
    assert one_line("\u202eabc\u202c") == "abc"
    assert one_line("a\ufffeb\ufdd0c\U0010ffff") == "abc"  # noncharacters: HTML drops their references
    assert one_line("  spaced   out  ") == "spaced out"
    assert one_line(None) == ""
    assert one_line(float("nan")) == ""
    assert one_line(302) == "302"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_reads_back_as_itself_and_has_no_markup(text):
    escaped = escape(text)
    assert html.unescape(escaped) == one_line(text)
    outside_references = re.sub(r"&#[0-9]+;", "", escaped)
    assert not set(outside_references) & set("<>&\"'`$[]{}*_\\|!#~:;\n\r")
    rendered = MYST.render(f"Before {escaped} after.\n")
    parsed = _parse(rendered)
    assert parsed.tags == [("p", [])], rendered
    assert " ".join("".join(parsed.text).split()) == " ".join(f"Before {one_line(text)} after.".split())


def test_page_title_opens_no_tag_where_the_theme_repeats_it_unescaped():
    # The print header shows the glued title as it is: no "<" or ">" may reach it.
    title = escape_module.page_title("How IPE <img src=x onerror=alert(1)>\ncompares")
    assert "<" not in title and ">" not in title and "\n" not in title
    assert title == "How IPE \u2039img src=x onerror=alert(1)\u203a compares"
