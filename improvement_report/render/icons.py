"""The two Making Data Count icons, drawn so that they read without colour.

Each icon is a small PNG: a shape, and a letter inside it, carry the meaning; colour only
repeats it. The shapes match the chart markers of :mod:`improvement_report.spc_plot`
(improvement a triangle pointing the way the indicator moved, concern a square, no better
direction a diamond, common cause a circle), and every icon has alt text in words.

=================================  ===============  ======  ============
Variation (latest point)            Shape            Letter  Colour
=================================  ===============  ======  ============
Common cause                        circle           ~       grey
Special cause improvement           triangle up/down H / L   dark blue
Special cause concern               square           H / L   orange
Special cause, no better direction  diamond          H / L   dark pink
Not judged by limits (run chart)    dashed square    R       grey outline
Too few points                      dashed circle    -       grey outline
=================================  ===============  ======  ============

=================================  ===============  ======  ============
Assurance (against the target)      Shape            Letter  Colour
=================================  ===============  ======  ============
Consistently passes                 shield (pentagon) P      dark blue
Consistently fails                  octagon          F       orange
Hit and miss                        hexagon          ?       grey
Not yet judged                      dashed hexagon   ...     grey outline
No target                           dashed circle    -       light grey
=================================  ===============  ======  ============
"""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, Polygon, RegularPolygon

from improvement_report.render import style
from improvement_report.render.output import PNG_METADATA, PageOutput
from improvement_report.render.spc_words import ASSURANCE_WORDS, VARIATION_WORDS

__all__ = ["ASSURANCE_WORDS", "VARIATION_WORDS"]  # the words live in spc_words; pages reach them here too

SIZE_PX = 44  # drawn at this many pixels square: big enough for the letter, small enough for a table cell
DPI = 100

_VARIATION_STYLE = {  # kind: (shape, colour)
    "common_cause": ("circle", style.GREY),
    "improvement": ("triangle", style.IMPROVEMENT),
    "concern": ("square", style.CONCERN),
    "neither": ("diamond", style.DARK_PINK),
    "not_judged": ("dashed_square", style.GREY),
    "none": ("dashed", style.GREY),
}
_ASSURANCE_STYLE = {  # icon: (shape, colour, letter)
    "pass": ("pentagon", style.IMPROVEMENT, "P"),
    "fail": ("octagon", style.CONCERN, "F"),
    "hit_and_miss": ("hexagon", style.GREY, "?"),
    "not_judged": ("dashed_hexagon", style.GREY, "..."),
    "none": ("dashed", style.GREY, "-"),
}


def variation_letter(icon: str) -> str:
    """The letter inside a variation icon: H or L for the side of a special cause, ~ for none."""
    if icon.endswith("_high"):
        return "H"
    if icon.endswith("_low"):
        return "L"
    return {"common_cause": "~", "not_judged": "R"}.get(icon, "-")


def variation_shape(icon: str) -> str:
    """The shape of a variation icon (see the module's table)."""
    kind = icon.split("_")[0] if icon not in ("common_cause", "not_judged", "none") else icon
    shape = _VARIATION_STYLE[kind][0]
    if shape == "triangle":
        return "triangle_up" if icon.endswith("_high") else "triangle_down"
    return shape


def _patch(shape: str, colour: str):
    """A matplotlib patch for ``shape`` centred on (0.5, 0.5) in a unit box."""
    centre, r = (0.5, 0.5), 0.44
    dashed = dict(facecolor="white", edgecolor=style.GREY, linestyle="--", linewidth=1.5)
    solid = dict(facecolor=colour, edgecolor=colour)
    if shape == "circle":
        return Circle(centre, r, **solid)
    if shape == "dashed":
        return Circle(centre, r, **dashed)
    if shape == "dashed_square":
        return Polygon([(0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9)], **dashed)
    if shape == "dashed_hexagon":
        return RegularPolygon(centre, 6, radius=0.46, orientation=0.0, **dashed)
    if shape == "square":
        return Polygon([(0.12, 0.12), (0.88, 0.12), (0.88, 0.88), (0.12, 0.88)], **solid)
    if shape == "triangle_up":
        return Polygon([(0.5, 0.96), (0.02, 0.1), (0.98, 0.1)], **solid)
    if shape == "triangle_down":
        return Polygon([(0.5, 0.04), (0.02, 0.9), (0.98, 0.9)], **solid)
    sides = {"diamond": 4, "pentagon": 5, "hexagon": 6, "octagon": 8}[shape]
    # An octagon stands on a flat side like a stop sign; a pentagon on its base like a shield.
    orientation = {4: 0.0, 5: 3.14159265, 6: 0.0, 8: 3.14159265 / 8}[sides]
    return RegularPolygon(centre, sides, radius=0.48, orientation=orientation, **solid)


def draw(shape: str, colour: str, letter: str):
    """Draw one icon and return the figure."""
    inches = SIZE_PX / DPI
    fig = style.figure(figsize=(inches, inches), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.add_patch(_patch(shape, colour))
    # White letters on the dark fills; dark letters on the light "none" icons.
    ink = "#0b0c0c" if shape.startswith("dashed") else "white"
    y = {"triangle_up": 0.38, "triangle_down": 0.6}.get(shape, 0.5)
    ax.text(
        0.5, y, letter, ha="center", va="center", color=ink, fontsize=13 if len(letter) == 1 else 9, fontweight="bold"
    )
    return fig


def _save(fig, page: PageOutput, name: str) -> str:
    path, link = page.figure_file(name)
    fig.savefig(path, format="png", dpi=DPI, metadata=PNG_METADATA)
    plt.close(fig)
    return link


def variation_png(icon: str, page: PageOutput) -> str:
    """Write ``figures/mdc_variation_<icon>.png`` in the page's folder and return the page's link to it."""
    kind = icon if icon in ("common_cause", "not_judged", "none") else icon.split("_")[0]
    return _save(
        draw(variation_shape(icon), _VARIATION_STYLE[kind][1], variation_letter(icon)), page, f"mdc_variation_{icon}"
    )


def assurance_png(icon: str, page: PageOutput) -> str:
    """Write ``figures/mdc_assurance_<icon>.png`` in the page's folder and return the page's link to it."""
    shape, colour, letter = _ASSURANCE_STYLE[icon]
    return _save(draw(shape, colour, letter), page, f"mdc_assurance_{icon}")


def variation_markdown(icon: str, page: PageOutput) -> str:
    """The variation icon as an inline MyST image with its alt text (the PNG is written to the page's folder)."""
    return f"![Variation: {VARIATION_WORDS[icon]}]({variation_png(icon, page)})"


def assurance_markdown(icon: str, page: PageOutput) -> str:
    """The assurance icon as an inline MyST image with its alt text (the PNG is written to the page's folder)."""
    return f"![Assurance: {ASSURANCE_WORDS[icon]}]({assurance_png(icon, page)})"


def legend_markdown(page: PageOutput) -> str:
    """A MyST table of every icon with its shape, letter and meaning, for the pages' keys."""
    rows = ["| Icon | Shape and letter | Meaning |", "|---|---|---|"]
    for icon, words in VARIATION_WORDS.items():
        shape = variation_shape(icon).replace("_", " ")
        rows.append(f"| {variation_markdown(icon, page)} | {shape}, {variation_letter(icon)} | Variation: {words} |")
    for icon, words in ASSURANCE_WORDS.items():
        shape, _, letter = _ASSURANCE_STYLE[icon]
        rows.append(f"| {assurance_markdown(icon, page)} | {shape}, {letter} | Assurance: {words} |")
    return "```{table} The Making Data Count icons used on these pages\n" + "\n".join(rows) + "\n```\n"
