"""A Sphinx extension for the book: glossary links, and each page's downloads.

Loaded by Jupyter Book (``_config.yml``: ``sphinx.extensions``). Two jobs, both generated so no
page is edited by hand:

* The first use of each glossary term on a page links to its definition on the glossary page
  (``book/glossary.md``, a MyST ``glossary`` directive: every name given for a term, e.g. "CSC"
  and "Children's social care", is matched). Only prose is linked: paragraphs and figure
  captions outside tables, headings, links and code; a term is found within one run of text
  (a term half in emphasis is not matched).
* The theme's download menu offered the page's ``.ipynb`` source, which members cannot open,
  and a print button. It offers instead the whole edition as one PDF, every table as one Excel
  workbook, and the page's CSV files; a line at the top of every page links the first two as text.
"""

import html
import re
from pathlib import PurePosixPath

from docutils import nodes
from sphinx import addnodes

GLOSSARY_DOC = "book/glossary"
# Prose only: a term inside one of these is left as it is.
SKIP_INSIDE = (
    nodes.reference,
    nodes.literal,
    nodes.literal_block,
    nodes.title,
    nodes.rubric,
    nodes.table,
    nodes.raw,
    nodes.term,
    addnodes.pending_xref,
    addnodes.download_reference,
)


def term_pattern(name: str) -> re.Pattern:
    """How a glossary term is found in text: whole words, an optional plural "s"; a name with a
    capital letter (an abbreviation such as "CSC" or "W1") in its own case, others in any case."""
    words = r"\s+".join(re.escape(part) for part in name.split())
    flags = 0 if re.search(r"[A-Z]", name) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}s?(?![\w-])", flags)


def glossary_terms(env) -> list[tuple[str, str, str, re.Pattern]]:
    """Every name defined on the glossary page as ``(name, anchor, entry, pattern)``, longest
    first, so "special cause concern" is matched before "special cause". ``entry`` is the anchor
    of the entry's first name: the names of one entry ("CSC", "children's social care") are one
    term, linked once per page."""
    if GLOSSARY_DOC not in env.all_docs:
        return []
    found = []
    for item in env.get_doctree(GLOSSARY_DOC).findall(nodes.definition_list_item):
        names = [(term.astext(), term["ids"][0]) for term in item.findall(nodes.term) if term["ids"]]
        found += [(name, anchor, names[0][1], term_pattern(name)) for name, anchor in names]
    return sorted(found, key=lambda t: (-len(t[0]), t[0]))


def _in_skipped(node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, SKIP_INSIDE):
            return True
        parent = parent.parent
    return False


def link_first_uses(app, doctree, docname) -> None:
    """Link the first use of each glossary term in the page's prose to its definition."""
    if docname == GLOSSARY_DOC or app.builder.format != "html":
        return
    terms = glossary_terms(app.env)
    if not terms:
        return
    base = app.builder.get_relative_uri(docname, GLOSSARY_DOC)
    done: set[str] = set()  # entries already linked on this page
    prose = (n for n in doctree.findall() if isinstance(n, (nodes.paragraph, nodes.caption)))
    for block in list(prose):
        if _in_skipped(block):
            continue
        for text in list(block.findall(nodes.Text)):
            if _in_skipped(text):
                continue
            _link_in_text(text, terms, done, base)


def _link_in_text(text: nodes.Text, terms, done: set[str], base: str) -> None:
    """Replace ``text`` by pieces with a link around each term used here for the first time."""
    source = str(text)
    matches = []
    taken: list[tuple[int, int]] = []
    for name, anchor, entry, pattern in terms:
        if entry in done:
            continue
        for m in pattern.finditer(source):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # inside a longer term already linked here
            matches.append((m.start(), m.end(), name, anchor))
            taken.append((m.start(), m.end()))
            done.add(entry)
            break
    if not matches:
        return
    pieces, at = [], 0
    for start, end, name, anchor in sorted(matches):
        if start > at:
            pieces.append(nodes.Text(source[at:start]))
        link = nodes.reference(
            "", "", nodes.Text(source[start:end]), internal=True, refuri=f"{base}#{anchor}", classes=["glossary-term"]
        )
        link["reftitle"] = f"{name}: see the glossary"
        pieces.append(link)
        at = end
    if at < len(source):
        pieces.append(nodes.Text(source[at:]))
    text.parent.replace(text, pieces)


def page_csv_files(doctree) -> list[tuple[str, str]]:
    """The CSV files a page offers for download, as ``(file name, path under _downloads)``."""
    if doctree is None:
        return []
    seen, out = set(), []
    for ref in doctree.findall(addnodes.download_reference):
        target = ref.get("filename", "")
        name = PurePosixPath(ref.get("reftarget", "")).name
        if target and name.endswith(".csv") and target not in seen:
            seen.add(target)
            out.append((name, target))
    return out


def replace_download_menu(app, pagename, templatename, context, doctree) -> None:
    """The download menu: the edition's PDF and the page's CSV files, never the notebook."""
    pdf = app.config.report_pdf
    pathto = context["pathto"]
    buttons = []
    if pdf:
        buttons.append(_link_button(pathto(pdf, 1), "Whole report (PDF)", "fas fa-file-pdf", "download-pdf"))
    workbook = app.config.report_workbook
    if workbook:
        buttons.append(
            _link_button(pathto(workbook, 1), "Every table (Excel workbook)", "fas fa-file-excel", "download-xlsx")
        )
    for name, target in page_csv_files(doctree):
        buttons.append(_link_button(pathto(f"_downloads/{target}", 1), name, "fas fa-file-csv", "download-csv"))
    menus = context.get("header_buttons", [])
    for button in menus:
        if button.get("label") == "download-buttons":
            button["buttons"] = buttons
            button["tooltip"] = "Download the report or this page's data"
    if pdf and "body" in context:
        link = html.escape(pathto(pdf, 1), quote=True)
        tables = (
            f' or <a href="{html.escape(pathto(workbook, 1), quote=True)}">every table as one Excel workbook</a>'
            if workbook
            else ""
        )
        context["body"] = (
            f'<p class="edition-pdf-link">Download <a href="{link}">the whole report as one PDF</a> '
            f"(for printing or an agenda pack){tables}</p>\n" + context["body"]
        )


def _link_button(url: str, text: str, icon: str, label: str) -> dict:
    return {"type": "link", "url": url, "text": text, "icon": icon, "tooltip": text, "label": label}


def setup(app):
    app.add_config_value("report_pdf", "", "html")
    app.add_config_value("report_workbook", "", "html")
    app.connect("doctree-resolved", link_first_uses)
    app.connect("html-page-context", replace_download_menu, priority=600)  # after the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
