"""Checks of a drawn matplotlib figure as a reader sees it: no words on top of each other or of a
line, every axis labelled with its unit, count axes from zero or saying they are not.

Everything is measured on the figure as drawn (display coordinates, after ``canvas.draw``), the
way it is saved, so a check fails exactly when the saved PNG shows the problem.
"""

import re

import numpy as np
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text

# Boxes may touch: text extents include the font's ascent and descent, so two lines of one
# label set 1 px apart are not a collision a reader sees.
TOUCH_PX = 1.0
# Words that say what an axis measures in: a unit, a rate's denominator, or a percentage.
UNIT_WORDS = re.compile(
    r"%|per cent|percent|per\s|number|hours|days|years?\b|count|ratio|rate ratio|months?|"
    r"discussions|episodes|children|cafs|cases|open |held|share|value",
    re.IGNORECASE,
)
NOT_FROM_ZERO = re.compile(r"(axis )?(does )?not (start )?(at|from) zero", re.IGNORECASE)


def _renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _shown(artist) -> bool:
    while artist is not None:
        if not artist.get_visible():
            return False
        artist = getattr(artist, "axes", None) if artist is not getattr(artist, "axes", None) else None
    return True


def _tick_labels(axis):
    lo, hi = sorted(axis.get_view_interval())
    span = (hi - lo) or 1.0
    for tick in axis.get_major_ticks() + axis.get_minor_ticks():
        loc = tick.get_loc()
        if loc is None or not (lo - 1e-9 * span <= loc <= hi + 1e-9 * span):
            continue
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text().strip():
                yield label


def texts(fig) -> list[tuple[str, object]]:
    """Every piece of text a reader sees, with where it is: ``(description, artist)``.

    A legend counts as one box (its texts sit inside it by design).
    """
    found = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            found += [(f"{axis_name} tick {t.get_text()!r}", t) for t in _tick_labels(axis)]
            if axis.label.get_visible() and axis.label.get_text().strip():
                found.append((f"{axis_name} label {axis.label.get_text()!r}", axis.label))
            offset = axis.get_offset_text()
            if offset.get_visible() and offset.get_text().strip():
                found.append((f"{axis_name} offset {offset.get_text()!r}", offset))
        for title in (ax.title, ax._left_title, ax._right_title):
            if title.get_visible() and title.get_text().strip():
                found.append((f"title {title.get_text()!r}", title))
        for t in ax.texts:
            if t.get_visible() and t.get_text().strip():
                found.append((f"text {t.get_text()!r}", t))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            found.append(("legend", legend))
    for t in fig.texts:
        if t.get_visible() and t.get_text().strip():
            found.append((f"figure text {t.get_text()!r}", t))
    for legend in fig.legends:
        if legend.get_visible():
            found.append(("figure legend", legend))
    return found


def _box(artist, renderer):
    box = artist.get_window_extent(renderer)
    return box.x0 + TOUCH_PX, box.y0 + TOUCH_PX, box.x1 - TOUCH_PX, box.y1 - TOUCH_PX


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_overlaps(fig) -> list[str]:
    """Pairs of texts (or a text and a legend) whose boxes overlap, described."""
    renderer = _renderer(fig)
    found = texts(fig)
    boxes = [_box(artist, renderer) for _, artist in found]
    return [
        f"{found[i][0]} overlaps {found[j][0]}"
        for i in range(len(found))
        for j in range(i + 1, len(found))
        if _overlap(boxes[i], boxes[j])
    ]


def _masks_what_is_behind(text) -> bool:
    """A label on an opaque background hides the line behind it rather than colliding with it."""
    patch = text.get_bbox_patch()
    return patch is not None and patch.get_alpha() in (None, 1) and patch.get_facecolor()[3] >= 0.8


def _line_hits(line: Line2D, box, renderer) -> bool:
    from matplotlib.transforms import Bbox

    bbox = Bbox.from_extents(*box)
    path = line.get_transform().transform_path(line.get_path())
    if line.get_linestyle() not in ("None", "none", "", " "):
        if path.intersects_bbox(bbox, filled=False):
            return True
    if line.get_marker() not in (None, "None", "none", "", " "):
        radius = line.get_markersize() * line.figure.dpi / 72 / 2
        grown = (box[0] - radius, box[1] - radius, box[2] + radius, box[3] + radius)
        points = path.vertices[np.isfinite(path.vertices).all(axis=1)]
        inside = (
            (points[:, 0] > grown[0])
            & (points[:, 0] < grown[2])
            & (points[:, 1] > grown[1])
            & (points[:, 1] < grown[3])
        )
        return bool(inside.any())
    return False


def line_collisions(fig) -> list[str]:
    """Labels inside a plot (annotations, texts, the title, a legend inside the axes) that a data,
    target, limit or funnel line runs through."""
    renderer = _renderer(fig)
    found = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        labels = [(f"text {t.get_text()!r}", t) for t in ax.texts if t.get_visible() and t.get_text().strip()]
        labels += [
            (f"title {t.get_text()!r}", t) for t in (ax.title, ax._left_title) if t.get_visible() and t.get_text()
        ]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            labels.append(("legend", legend))
        for description, label in labels:
            if isinstance(label, Text) and _masks_what_is_behind(label):
                continue
            box = _box(label, renderer)
            for line in ax.lines:
                if not line.get_visible() or (isinstance(label, Annotation) and line is label.arrow_patch):
                    continue
                if _line_hits(line, box, renderer):
                    found.append(f"{description} is crossed by line {line.get_label() or line.get_gid()!r}")
                    break
    return found


def axes_without_units(fig) -> list[str]:
    """Axes whose value axis has no label saying what it is measured in.

    The value axis is the y axis, or the x axis of a chart with category labels up its y axis.
    """
    missing = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data():
            continue
        ylabel, xlabel = ax.get_ylabel(), ax.get_xlabel()
        categorical_y = any(not re.fullmatch(r"[\d.,%−\-\s]*", t.get_text()) for t in _tick_labels(ax.yaxis))
        label = xlabel if categorical_y else ylabel
        shared = not label and any(
            other is not ax and other.get_ylabel() for other in ax.get_shared_y_axes().get_siblings(ax)
        )
        figure_label = getattr(ax.figure, "_supylabel", None)
        if shared or (not label and figure_label is not None and UNIT_WORDS.search(figure_label.get_text())):
            continue
        if not label or not UNIT_WORDS.search(label) or label.strip().lower() == "rate":
            missing.append(f"{ax.get_title() or 'axes'}: value axis labelled {label!r}")
    return missing


def count_axes_not_from_zero(fig) -> list[str]:
    """Value axes of non-negative data that start above zero without saying so on the chart."""
    renderer = _renderer(fig)
    del renderer
    missing = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data() or ax.get_yscale() != "linear":
            continue
        categorical_y = any(not re.fullmatch(r"[\d.,%−\-\s]*", t.get_text()) for t in _tick_labels(ax.yaxis))
        if categorical_y:
            continue
        bottom = min(ax.get_ylim())
        if bottom <= 0:
            continue
        words = " ".join([ax.get_ylabel(), ax.get_title()] + [t.get_text() for t in ax.texts])
        words += " ".join(t.get_text() for t in ax.figure.texts)
        if not NOT_FROM_ZERO.search(words):
            missing.append(f"{ax.get_title() or ax.get_ylabel()!r}: y axis starts at {bottom:g}")
    return missing


def smallest_font_px(fig) -> float:
    """The smallest text on the figure, in pixels of the saved image."""
    renderer = _renderer(fig)
    del renderer
    sizes = []
    for _, artist in texts(fig):
        if isinstance(artist, Legend):
            sizes += [t.get_fontsize() for t in artist.get_texts()]
            if artist.get_title().get_text():
                sizes.append(artist.get_title().get_fontsize())
        else:
            sizes.append(artist.get_fontsize())
    return min(sizes) * fig.dpi / 72
