"""Data text is data: make any string from an extract, the catalogue or a configuration inert.

A team name, a locality, a reason or the authority's name is put into the report's sentences,
which MyST parses as Markdown (roles, directives, math, links, raw HTML) and the browser then
parses as HTML. :func:`escape` makes such a string safe in both at once: it keeps letters,
digits, spaces and commas, and writes every other character as an HTML numeric character
reference (``<`` as ``&#60;``). CommonMark treats a character reference as the literal character,
never as markup (spec 2.5), so ``&#96;&#96;&#96;{raw} html`` is text, not a directive; and the
browser shows ``&#60;script&#62;`` as the text ``<script>``, never as an element. Line breaks and
other control characters become single spaces first, so a value can never start a line of its
own (a fence, a directive, a heading or a list).

Where a renderer escapes by itself (an HTML table cell through ``html.escape``, a directive's
``:alt:`` option), use :func:`one_line` instead: character references would be shown there as
they are written. Two other places read text their own way: the title of a cross-reference role
(:func:`role_title`) and a chart's labels, which matplotlib reads as mathtext between dollar
signs (:func:`chart_text`).

Neither function makes a string safe as a URL, inside ``<script>`` or ``<style>``, or in a code
span: data text is never put there.
"""

import math
import unicodedata

# Kept as they are: nothing in Markdown, MyST or HTML gives them a meaning mid-sentence.
_PLAIN_PUNCTUATION = frozenset(" ,")
# Bidirectional embeddings, overrides and isolates: they can make published text read in an
# order other than the one stored ("Trojan Source"); dropped, not shown.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _noncharacter(ch: str) -> bool:
    """Unicode noncharacters (U+FDD0-FDEF, U+xFFFE, U+xFFFF): HTML drops their references, so they are dropped here."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def one_line(value) -> str:
    """The value as one line of plain text, without control characters.

    Every line break (``\\n``, ``\\r``, ``\\u2028``, ...), tab and other control character becomes
    a space, runs of spaces become one, bidirectional controls and Unicode noncharacters are
    dropped, and the ends are trimmed. ``None`` and a missing number (NaN) give an empty string.

    Parameters
    ----------
    value : object
        Any value; it is converted with ``str``.

    Returns
    -------
    str
        Text with no character that could start a new line or hide another.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = "".join(
        ""
        if ch in _BIDI_CONTROLS or _noncharacter(ch)
        else " "
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        else ch
        for ch in str(value)
    )
    return " ".join(text.split())


def escape(value) -> str:
    """A string from data, the catalogue or a configuration, safe inside MyST Markdown and HTML.

    Letters, digits, spaces and commas are kept; every other character is written as a numeric
    character reference, which MyST and browsers both show as the character itself and never
    read as markup. The text is made one line first (see :func:`one_line`).

    Parameters
    ----------
    value : object
        Any value; it is converted with ``str``.

    Returns
    -------
    str
        Text to put into a sentence passed to ``display.say`` (or into HTML text or a quoted
        attribute value); readers see the original text, made one line.

    Examples
    --------
    >>> escape("EDT <script>alert(1)</script>")
    'EDT &#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;'
    >>> escape("North, East")
    'North, East'
    """
    text = one_line(value)
    # A comma stays plain unless another follows it: MyST's typographer reads ",," as one comma.
    return "".join(
        ch
        if (ch.isalnum() or ch in _PLAIN_PUNCTUATION) and not (ch == "," and text[i + 1 : i + 2] == ",")
        else f"&#{ord(ch)};"
        for i, ch in enumerate(text)
    )


def role_title(value) -> str:
    """Text for the title of a MyST role such as ``{ref}`title <target>```: one line, without the
    backticks and angle brackets that would end the role or start its target. Sphinx shows the
    title as a text node, so nothing else in it is read as markup."""
    return one_line(value).translate({ord("`"): "'", ord("<"): "(", ord(">"): ")"})


def chart_text(value) -> str:
    """Text for a matplotlib title, label or annotation: one line, with dollar signs escaped so a
    name is never read as mathtext (a malformed formula would stop the chart being drawn)."""
    return one_line(value).replace("$", r"\$")


def page_title(value) -> str:
    """Text for a page title glued into the first heading (``{glue:text}``).

    The theme repeats a page's title unescaped in its print header, so angle brackets, which
    could open a tag there, become the look-alike single guillemets; the text is made one line.

    Parameters
    ----------
    value : object
        Any value; it is converted with ``str``.

    Returns
    -------
    str
        One line of text with no ``<`` or ``>``.
    """
    return one_line(value).replace("<", "\u2039").replace(">", "\u203a")
