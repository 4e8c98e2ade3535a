"""Big pages on ordinary printers: cut an A1 or A0 page into A4 sheets to glue together.

WeasyPrint renders one page size per ``@page``, so tiling is done on the PDF: the big
page becomes one Form XObject, and every sheet draws it shifted and clipped to its
window (measured: a few milliseconds and one copy of the artwork, where rendering
each window again in HTML costs a full layout per sheet). The marks (cut lines,
overlap strips, sheet names, a small map) are an HTML page per sheet, rendered by
WeasyPrint with the same fonts, drawn over the artwork.

Assembly: each sheet shows a window of the big page; neighbouring windows share a
strip of ``overlap`` millimetres. Cut the left and top margins of a sheet along the
cut marks, lay it over its neighbour's dashed line, glue. The strips carry the
neighbour's name and end up hidden under it.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from io import BytesIO

from .render import PageFormat

MARGIN = 10.0   # mm kept white around each sheet: most printers cannot print the edge
OVERLAP = 10.0  # mm shared by two neighbouring sheets, for the glue
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Tile:
    """One sheet: its place in the grid and the window of the big page it shows (mm,
    from the big page's top-left corner). ``width``/``height`` are clipped to the page."""

    row: int
    col: int
    x: float
    y: float
    width: float
    height: float

    @property
    def name(self) -> str:
        return f"{row_name(self.row)}{self.col + 1}"


def row_name(row: int) -> str:
    letters = string.ascii_uppercase
    return letters[row] if row < 26 else letters[row // 26 - 1] + letters[row % 26]


@dataclass(frozen=True)
class TilePlan:
    page_width: float
    page_height: float
    sheet: PageFormat
    rows: int
    cols: int
    margin: float = MARGIN
    overlap: float = OVERLAP

    @property
    def window_width(self) -> float:
        return self.sheet.width_mm - 2 * self.margin

    @property
    def window_height(self) -> float:
        return self.sheet.height_mm - 2 * self.margin

    @property
    def tiles(self) -> list[Tile]:
        step_x = self.window_width - self.overlap
        step_y = self.window_height - self.overlap
        found = []
        for row in range(self.rows):
            for col in range(self.cols):
                x, y = col * step_x, row * step_y
                found.append(Tile(row, col, x, y, min(self.window_width, self.page_width - x),
                                  min(self.window_height, self.page_height - y)))
        return found

    def neighbour(self, tile: Tile, d_row: int, d_col: int) -> str | None:
        row, col = tile.row + d_row, tile.col + d_col
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return f"{row_name(row)}{col + 1}"
        return None


def plan_tiles(page_width: float, page_height: float, sheet_size: str = "A4",
               margin: float = MARGIN, overlap: float = OVERLAP) -> TilePlan:
    """The fewest sheets (portrait or landscape) that cover the page with the overlap."""
    best = None
    for orientation in ("portrait", "landscape"):
        sheet = PageFormat(sheet_size, orientation)
        step_x = sheet.width_mm - 2 * margin - overlap
        step_y = sheet.height_mm - 2 * margin - overlap
        cols = max(1, math.ceil((page_width - overlap) / step_x - 1e-9))
        rows = max(1, math.ceil((page_height - overlap) / step_y - 1e-9))
        plan = TilePlan(page_width, page_height, sheet, rows, cols, margin, overlap)
        if best is None or rows * cols < best.rows * best.cols:
            best = plan
    return best


def marks_context(plan: TilePlan, big: PageFormat, page_label: str = "") -> dict:
    sheets = []
    for tile in plan.tiles:
        sheets.append({
            "tile": tile, "name": tile.name, "row": row_name(tile.row),
            "left": plan.neighbour(tile, 0, -1), "right": plan.neighbour(tile, 0, 1),
            "up": plan.neighbour(tile, -1, 0), "down": plan.neighbour(tile, 1, 0),
        })
    cell = min(1.6, 8.0 / max(plan.rows, 1), 24.0 / max(plan.cols, 1))
    return {"plan": plan, "sheets": sheets, "big": big, "cell": cell, "page_label": page_label,
            "sheet": plan.sheet, "m": plan.margin, "o": plan.overlap}


def tile_pdf(renderer, pdf: bytes, big: PageFormat, sheet: PageFormat) -> bytes:
    """Every page of ``pdf`` (format ``big``) cut into sheets of ``sheet.size``."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    source = PdfReader(BytesIO(pdf))
    plan = plan_tiles(big.width_mm, big.height_mm, sheet.size)
    count = len(source.pages)
    marks = renderer.render_html(renderer.html(
        "tiles.html", pages=[marks_context(plan, big, f"page {i + 1} sur {count}" if count > 1 else "")
                             for i in range(count)],
        doc_title=f"Affiche {big.size} sur feuilles {sheet.size}", author="Porteur de parole"),
        stylesheets=("tiles",))
    writer = PdfWriter(clone_from=PdfReader(BytesIO(marks)))
    per_page = plan.rows * plan.cols
    sheet_h = plan.sheet.height_mm * PT_PER_MM
    for index, page in enumerate(source.pages):
        box = [float(v) for v in page.mediabox]
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        })
        form = form.flate_encode()
        reference = writer._add_object(form)  # pypdf has no public way to add a new object
        name = f"/Affiche{index}"
        for number, tile in enumerate(plan.tiles):
            target = writer.pages[index * per_page + number]
            resources = target["/Resources"].get_object()
            if "/XObject" not in resources:
                resources[NameObject("/XObject")] = DictionaryObject()
            resources["/XObject"].get_object()[NameObject(name)] = reference
            left = plan.margin * PT_PER_MM
            top = sheet_h - plan.margin * PT_PER_MM
            # The window's top-left corner, (box[0] + x, box[3] - y) on the big page, goes to (left, top).
            tx = left - (box[0] + tile.x * PT_PER_MM)
            ty = top - (box[3] - tile.y * PT_PER_MM)
            clip = (left, top - tile.height * PT_PER_MM, tile.width * PT_PER_MM, tile.height * PT_PER_MM)
            drawing = DecodedStreamObject()
            drawing.set_data((f"q {clip[0]:.3f} {clip[1]:.3f} {clip[2]:.3f} {clip[3]:.3f} re W n "
                              f"1 0 0 1 {tx:.3f} {ty:.3f} cm {name} Do Q\n").encode())
            contents = target["/Contents"]
            existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
            target[NameObject("/Contents")] = ArrayObject([writer._add_object(drawing), *existing])
    writer.add_metadata({"/Title": f"Affiche {big.size} sur {per_page} feuilles {sheet.size}"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
