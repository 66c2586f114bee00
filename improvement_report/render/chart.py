"""What a chart function returns: the figure, its alt text, and the SPC result behind it."""

from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """A drawn chart, or the absence of one.

    Attributes
    ----------
    figure : matplotlib.figure.Figure or None
        None when there is nothing to draw; the page's sentences say why.
    alt : str
        Alt text generated from the data: what the chart shows and its latest value.
    spc : object, optional
        The SPC calculation the chart draws (an ``XmR``, a p chart frame, or a dict of them by
        group), so the page's sentences read the same result as the chart.
    """

    figure: Figure | None
    alt: str = ""
    spc: Any = None

    @property
    def drawn(self) -> bool:
        return self.figure is not None


NO_CHART = Chart(None)
