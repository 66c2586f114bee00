"""Notebook templates stay thin and clean; nbval catches a changed number in the executed edition."""

import json
import subprocess
import sys

import nbformat
import pytest

from improvement_report.build.config import book_notebooks, page_template
from improvement_report.core.paths import BOOK_DIR, NOTEBOOKS_DIR, REPO_ROOT

TEMPLATES = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_every_template_makes_a_page_and_every_page_has_a_template():
    pages = book_notebooks()
    made_from = {page: page_template(page) for page in pages}
    assert all(made_from.values()), "every executed page has a template"
    assert {p.stem for p in TEMPLATES} == {template for template, _ in made_from.values()}
    assert pages[0] == "index"
    assert len(set(pages)) == len(pages), "no page listed twice in _toc.yml"


def test_a_repeated_template_gives_one_page_per_parameter_value():
    assert page_template("caf_decline") == ("caf_decline", {})
    assert page_template("glossary") is None  # hand-written
    assert page_template("methods") == ("methods", {})  # generated for the edition
    if (NOTEBOOKS_DIR / "theme.ipynb").is_file():
        assert page_template("theme_4") == ("theme", {"theme": 4})
        themes = [p for p in book_notebooks() if page_template(p)[0] == "theme"]
        assert themes == [f"theme_{n}" for n in range(1, 8)]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_templates_define_nothing_and_store_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "one parameters cell with defaults"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert not line.lstrip().startswith(("def ", "class ", "async def ", "lambda")), f"cell {i}: {line}"
        assert not cell.get("outputs"), f"cell {i} has stored outputs"


@pytest.mark.parametrize("path", sorted(BOOK_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_executed_edition_carries_no_volatile_metadata(path):
    nb = nbformat.read(path, as_version=4)
    assert "papermill" not in nb.metadata
    for cell in nb.cells:
        assert "execution" not in cell.metadata and "papermill" not in cell.metadata


def test_nbval_fails_when_a_number_in_the_edition_changes(tmp_path):
    source = BOOK_DIR / "index.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    changed = False
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html and not changed:
                text = "".join(html)
                assert "614" in text
                out["data"]["text/html"] = text.replace("614", "615", 1)
                changed = True
    assert changed
    (tmp_path / "index.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    run = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(REPO_ROOT / "tests" / "nbval_sanitize.cfg"),
        "index.ipynb",
    ]
    result = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "614" in result.stdout and "615" in result.stdout


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_display_call_is_shown(path):
    """A cell shows only its last expression: a display.say or display.table above it is lost
    (a theme page's opening sentence never reached the page before)."""
    import ast

    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        body = ast.parse(cell.source).body
        for statement in body[:-1]:
            call = statement.value if isinstance(statement, ast.Expr) else None
            shown = (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "display"
                and call.func.attr != "download"  # writes a file, shows nothing
            )
            assert not shown, f"cell {i}: display.{call.func.attr} is not the cell's last expression, so it is lost"
