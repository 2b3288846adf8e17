"""The pictures' font: its files, its metrics, and the subset each picture embeds.

The pictures are drawn and measured in Source Sans Pro (SIL OFL, from the PyPI package
``font-source-sans-pro``), read with fontTools. The layout measures text with
:func:`text_width` and breaks it with :func:`wrap_text`; the SVG and the HTML page embed the
glyphs they show (:func:`font_face_css`), cut with pinned subsetter options, so that a browser
shows the very glyphs the layout measured and every fontTools in the lock writes the same bytes.
"""

from __future__ import annotations

import functools
from importlib import resources as importlib_resources
from pathlib import Path

__all__ = [
    "FONT_FAMILY",
    "HEADING_FONT",
    "LABEL_FONT",
    "NODE_FONT",
    "font_face_css",
    "font_file",
    "text_width",
    "wrap_text",
]

#: The font family the pictures are drawn and measured in.
FONT_FAMILY = "Source Sans Pro"
_FONT_FILES = {False: "SourceSansPro-Regular.ttf", True: "SourceSansPro-Semibold.ttf"}

#: Font sizes in pixels: node text, edge labels, stage headings.
NODE_FONT, LABEL_FONT, HEADING_FONT = 13.0, 11.0, 15.0


def font_file(bold: bool = False) -> Path:
    """The TrueType file of the pictures' font (semibold for ``bold``)."""
    files = importlib_resources.files("font_source_sans_pro") / "files" / _FONT_FILES[bold]
    return Path(str(files))


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths by code point, in em, and the fallback width for unknown characters."""
    from fontTools.ttLib import TTFont

    with TTFont(str(font_file(bold)), lazy=True) as font:
        units = float(font["head"].unitsPerEm)
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, widths.get(ord("n"), 0.5)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` in pixels at font size ``size`` (no kerning)."""
    widths, fallback = _advances(bold)
    return size * sum(widths.get(ord(char), fallback) for char in text)


def wrap_text(text: str, width: float, size: float, *, bold: bool = False) -> tuple[str, ...]:
    """``text`` broken at spaces into lines at most ``width`` pixels wide (long words stay)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size, bold=bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines) or ("",)


_ASCII = "".join(chr(code) for code in range(32, 127))


def font_face_css(text: str, family: str = "pharmakg-sans") -> str:
    """``@font-face`` rules embedding the font, cut to printable ASCII and ``text``'s characters.

    Pictures and pages then show the very glyphs the layout measured, with no font installed.
    """
    return _font_face_css("".join(sorted(set(text) | set(_ASCII))), family)


@functools.lru_cache(maxsize=16)
def _font_face_css(characters: str, family: str) -> str:
    """The rules for exactly ``characters``, cut once per character set.

    Cutting takes about a second, and the pictures of a build share their characters.
    """
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.otBase import USE_HARFBUZZ_REPACKER

    rules = []
    for bold, weight in ((False, 400), (True, 600)):
        options = subset.Options()
        for name, value in _SUBSET_OPTIONS.items():
            setattr(options, name, value)  # one by one: a fontTools without one ignores it
        font = TTFont(str(font_file(bold)), recalcTimestamp=False)
        # GSUB and GPOS packed by fontTools itself, not by uharfbuzz wherever that is installed.
        font.cfg[USE_HARFBUZZ_REPACKER] = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        # Plain TrueType, as cut: WOFF would add only zlib's bytes, which vary with the zlib.
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: '{family}'; font-weight: {weight}; "
            f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
        )
    return "\n".join(rules)


#: The subsetter's options, every one that decides what the embedded font holds, set here rather
#: than left to fontTools' defaults: those change between releases (up to 4.60 they dropped the
#: BASE table, from 4.61 they keep it; up to 4.68 they kept ``name`` IDs 0-6, 4.69 keeps them
#: all), and each change rewrites the fonts inside every SVG and HTML page we publish. With these,
#: 4.61 to 4.69 write the same bytes; what no option pins (4.60 and earlier write GSUB and GPOS
#: differently) the lock does: requirements.lock.
_SUBSET_OPTIONS: dict[str, object] = {
    # Names: family, style, version and PostScript name (IDs 1-6), with the copyright (0) and the
    # SIL OFL's text and address (13, 14), which the licence asks every copy to carry.
    "name_IDs": [0, 1, 2, 3, 4, 5, 6, 13, 14],
    "name_languages": [0x0409],  # English (United States), the font's only language
    "name_legacy": False,
    # Tables: the ones no browser needs for drawing horizontal Latin text (baselines,
    # justification, bitmaps, Graphite, the signature).
    "drop_tables": [
        "BASE",
        "JSTF",
        "DSIG",
        "EBDT",
        "EBLC",
        "EBSC",
        "PCLT",
        "LTSH",
        "Feat",
        "Glat",
        "Gloc",
        "Silf",
        "Sill",
    ],
    "passthrough_tables": False,
    # OpenType features: the font's that browsers apply to Latin text by default (composition,
    # localised forms, ligatures, kerning, marks) and its fraction forms, in all its scripts.
    "layout_features": ["ccmp", "dnom", "frac", "kern", "liga", "locl", "mark", "mkmk", "numr"],
    "layout_scripts": ["*"],
    "layout_closure": True,
    "bidi_closure": True,
    # Glyphs: the ones for the text, a blank .notdef, TrueType hinting kept, no glyph names.
    "notdef_glyph": True,
    "notdef_outline": False,
    "recommended_glyphs": False,
    "glyph_names": False,
    "hinting": True,
    "desubroutinize": False,
    "retain_gids": False,
    "ignore_missing_glyphs": False,
    "ignore_missing_unicodes": True,
    "retain_all_variation_sequences": False,
    # OS/2's Unicode and code-page ranges cut to what the subset holds; bounds, widths, context
    # and timestamp as the font has them, none recomputed.
    "legacy_cmap": False,
    "symbol_cmap": False,
    "prune_unicode_ranges": True,
    "prune_codepage_ranges": True,
    "recalc_bounds": False,
    "recalc_timestamp": False,
    "recalc_average_width": False,
    "recalc_max_context": False,
}
