"""Chart colours meet WCAG 2.2 non-text contrast (3:1 on white); Making Data Count's defaults do not."""

import pytest

from improvement_report.render import style


@pytest.mark.parametrize("name", sorted(style.DATA_COLOURS))
def test_every_data_colour_has_3_to_1_contrast_on_white(name):
    assert style.contrast_ratio(style.DATA_COLOURS[name]) >= 3.0


def test_contrast_formula_against_known_values():
    assert style.contrast_ratio("#000000") == pytest.approx(21.0)
    assert style.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    # Making Data Count's grey and blue fail, which is why the book uses its own equivalents
    assert style.contrast_ratio("#A6A6A6") < 3 and style.contrast_ratio("#00B0F0") < 3


def test_improvement_concern_and_common_cause_use_data_colours():
    assert {style.IMPROVEMENT, style.CONCERN, style.COMMON_CAUSE} <= set(style.DATA_COLOURS.values())


def test_importing_the_style_changes_no_matplotlib_setting_until_applied():
    import subprocess
    import sys

    code = (
        "import matplotlib as m; before = dict(m.rcParams); "
        "from improvement_report.render import style; "
        "assert dict(m.rcParams) == before, 'import changed rcParams'; "
        "fig, ax = style.subplots(); "
        "assert m.rcParams['axes.titleweight'] == 'bold' and not m.rcParams['axes.spines.top']; "
        "assert m.get_backend().lower() == 'agg'; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"MPLBACKEND": "svg"})
    assert out.stdout.strip() == "ok", out.stderr
