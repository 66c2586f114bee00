"""Every file the package reads besides its modules is declared as package data, so an installed
package (a wheel, not this checkout) finds it: the demo's calibration text on a demo edition's data page."""

import tomllib

from improvement_report.core.paths import PACKAGE_DIR, REPO_ROOT


def test_every_non_python_file_in_the_package_is_declared_package_data():
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"].get(
        "package-data", {}
    )
    files = [
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert files, "the package holds no data file: the test would check nothing"
    for path in files:
        package = ".".join(path.parent.relative_to(PACKAGE_DIR.parent).parts)
        assert path.name in declared.get(package, []), f"{path.relative_to(REPO_ROOT)} is not in package-data"
