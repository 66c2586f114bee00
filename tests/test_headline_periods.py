"""Every headline figure names its period (the month for early help, the window for the rest)."""

from improvement_report.core.paths import DEMO_DATA_DIR
from improvement_report.inputs.loading import load_extracts
from improvement_report.measures.headline import headline_figures
from improvement_report.render.headline_table import figures_table


def test_every_headline_figure_names_its_period():
    figs = headline_figures(load_extracts(DEMO_DATA_DIR), "2017-11", "2017-09-01", "2017-12-31")
    table = figures_table(figs)
    assert list(table.columns) == ["Measure", "Period", "Figure"]
    periods = dict(zip(table["Measure"], table["Period"]))
    assert periods["Open CAFs at month end"] == "November 2017"
    assert periods["Change on a year earlier"] == "November 2017 against November 2016"
    assert periods["Open more than 12 months"] == "end of November 2017"
    window = "1 Sep 2017 to 31 Dec 2017"
    for measure in ("Held", "Compliant (CSC, police and health)", "Missing from care"):
        assert periods[measure] == window
    assert table["Period"].str.len().gt(0).all()
