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

QR codes: after each big page comes one more sheet, « QR code à coller », with that
page's codes at their printed size, to stick over the codes of the assembled panel.
A code cut by a seam (or covered by a strip's marks, or glued a millimetre off)
may not scan, and an A0 code (18 cm) is as wide as what an A4 sheet keeps visible
once glued, so moving the seams cannot keep it whole; a sticker always can.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from io import BytesIO

from .render import CodeBox, PageFormat

MARGIN = 10.0  # mm kept white around each sheet: most printers cannot print the edge
OVERLAP = 10.0  # mm shared by two neighbouring sheets, for the glue
PT_PER_MM = 72 / 25.4
STICKER_TOP = 62.0  # mm of the sticker sheet above its first code (title, instruction, map)
STICKER_GAP = 12.0  # mm between two codes on the sticker sheet
STICKER_MAP = (60.0, 40.0)  # mm: the largest map of the big page on the sticker sheet


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
                found.append(
                    Tile(
                        row,
                        col,
                        x,
                        y,
                        min(self.window_width, self.page_width - x),
                        min(self.window_height, self.page_height - y),
                    )
                )
        return found

    def visible(self, tile: Tile) -> tuple[float, float, float, float]:
        """The part of the big page that this sheet shows once glued (x, y, width, height):
        its window minus the strips its right and lower neighbours cover."""
        width = tile.width - (self.overlap if tile.col < self.cols - 1 else 0)
        height = tile.height - (self.overlap if tile.row < self.rows - 1 else 0)
        return tile.x, tile.y, width, height

    def sheets_under(self, box: CodeBox) -> list[str]:
        """Names of the sheets a box of the big page shows on once assembled."""
        names = []
        for tile in self.tiles:
            x, y, width, height = self.visible(tile)
            if box.x < x + width and x < box.x + box.width and box.y < y + height and y < box.y + box.height:
                names.append(tile.name)
        return names

    def neighbour(self, tile: Tile, d_row: int, d_col: int) -> str | None:
        row, col = tile.row + d_row, tile.col + d_col
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return f"{row_name(row)}{col + 1}"
        return None


def plan_tiles(
    page_width: float, page_height: float, sheet_size: str = "A4", margin: float = MARGIN, overlap: float = OVERLAP
) -> TilePlan:
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


def sheets_per_page(big: PageFormat, sheet_size: str) -> int:
    """Sheets printed for one big page: its tiles and the sheet of QR codes to stick on."""
    plan = plan_tiles(big.width_mm, big.height_mm, sheet_size)
    return plan.rows * plan.cols + 1


@dataclass(frozen=True)
class Sticker:
    """One code on the sticker sheet: where it goes (mm from the sheet's top-left), at which
    scale, and the sheets of the assembled panel it covers."""

    box: CodeBox
    x: float
    y: float
    scale: float
    sheets: tuple[str, ...]

    @property
    def width(self) -> float:
        return self.box.width * self.scale

    @property
    def height(self) -> float:
        return self.box.height * self.scale

    @property
    def where(self) -> str:
        names = list(self.sheets)
        if len(names) == 1:
            return f"la feuille {names[0]}"
        return f"les feuilles {', '.join(names[:-1])} et {names[-1]}"


def plan_stickers(plan: TilePlan, codes: list[CodeBox], sheet: PageFormat) -> list[Sticker]:
    """The codes of one big page, one under the other and centred on the sticker sheet, at
    their printed size when they fit (so that each covers its code exactly), else smaller."""
    if not codes:
        return []
    room_w = sheet.width_mm - 2 * MARGIN
    room_h = sheet.height_mm - MARGIN - STICKER_TOP - STICKER_GAP * (len(codes) - 1)
    scale = min(1.0, room_w / max(c.width for c in codes), room_h / sum(c.height for c in codes))
    stickers, y = [], STICKER_TOP
    for code in sorted(codes, key=lambda c: (c.y, c.x)):
        x = (sheet.width_mm - code.width * scale) / 2
        stickers.append(Sticker(code, round(x, 3), round(y, 3), scale, tuple(plan.sheets_under(code))))
        y += code.height * scale + STICKER_GAP
    return stickers


def marks_context(plan: TilePlan, big: PageFormat, page_label: str = "") -> dict:
    sheets = []
    for tile in plan.tiles:
        sheets.append(
            {
                "tile": tile,
                "name": tile.name,
                "row": row_name(tile.row),
                "left": plan.neighbour(tile, 0, -1),
                "right": plan.neighbour(tile, 0, 1),
                "up": plan.neighbour(tile, -1, 0),
                "down": plan.neighbour(tile, 1, 0),
            }
        )
    cell = min(1.6, 8.0 / max(plan.rows, 1), 24.0 / max(plan.cols, 1))
    return {
        "plan": plan,
        "sheets": sheets,
        "big": big,
        "cell": cell,
        "page_label": page_label,
        "sheet": plan.sheet,
        "m": plan.margin,
        "o": plan.overlap,
    }


def tile_pdf(
    renderer, pdf: bytes, big: PageFormat, sheet: PageFormat, codes: list[list[CodeBox]] | None = None
) -> bytes:
    """Every page of ``pdf`` (format ``big``) cut into sheets of ``sheet.size``, each page
    followed by its sheet of QR codes to stick on (``codes``: where each page has them)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    source = PdfReader(BytesIO(pdf))
    plan = plan_tiles(big.width_mm, big.height_mm, sheet.size)
    count = len(source.pages)
    codes = codes or [[] for _ in range(count)]
    sticker_sheet = PageFormat(sheet.size, "portrait")
    docs = []
    for i in range(count):
        doc = marks_context(plan, big, f"page {i + 1} sur {count}" if count > 1 else "")
        doc["stickers"] = plan_stickers(plan, codes[i] if i < len(codes) else [], sticker_sheet)
        doc["sticker_sheet"] = sticker_sheet
        doc["map_width"] = big.width_mm * min(STICKER_MAP[0] / big.width_mm, STICKER_MAP[1] / big.height_mm)
        docs.append(doc)
    marks = renderer.render_html(
        renderer.html(
            "tiles.html",
            pages=docs,
            doc_title=f"Affiche {big.size} sur feuilles {sheet.size}",
            author="Porteur de parole",
        ),
        stylesheets=("tiles",),
    )
    writer = PdfWriter(clone_from=PdfReader(BytesIO(marks)))

    def draw(target, name, reference, clip, matrix):
        """Draw the big page's XObject on a sheet, clipped (pt), under the marks."""
        resources = target["/Resources"].get_object()
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        resources["/XObject"].get_object()[NameObject(name)] = reference
        drawing = DecodedStreamObject()
        drawing.set_data(
            (
                f"q {clip[0]:.3f} {clip[1]:.3f} {clip[2]:.3f} {clip[3]:.3f} re W n "
                f"{' '.join(f'{v:.5f}' for v in matrix)} cm {name} Do Q\n"
            ).encode()
        )
        contents = target["/Contents"]
        existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        target[NameObject("/Contents")] = ArrayObject([writer._add_object(drawing), *existing])

    per_page = plan.rows * plan.cols
    sheet_h = plan.sheet.height_mm * PT_PER_MM
    sticker_h = sticker_sheet.height_mm * PT_PER_MM
    first = 0  # index of the first sheet of the current big page
    for index, page in enumerate(source.pages):
        box = [float(v) for v in page.mediabox]
        reference = writer._add_object(_page_xobject(page, box, writer))  # pypdf has no public way
        name = f"/Affiche{index}"
        for number, tile in enumerate(plan.tiles):
            left = plan.margin * PT_PER_MM
            top = sheet_h - plan.margin * PT_PER_MM
            # The window's top-left corner, (box[0] + x, box[3] - y) on the big page, goes to (left, top).
            tx = left - (box[0] + tile.x * PT_PER_MM)
            ty = top - (box[3] - tile.y * PT_PER_MM)
            clip = (left, top - tile.height * PT_PER_MM, tile.width * PT_PER_MM, tile.height * PT_PER_MM)
            draw(writer.pages[first + number], name, reference, clip, (1, 0, 0, 1, tx, ty))
        first += per_page
        stickers = docs[index]["stickers"]
        if stickers:
            for sticker in stickers:
                # The code's top-left corner on the big page goes to the sticker's, scaled.
                code_left = box[0] + sticker.box.x * PT_PER_MM
                code_top = box[3] - sticker.box.y * PT_PER_MM
                left, top, k = sticker.x * PT_PER_MM, sticker_h - sticker.y * PT_PER_MM, sticker.scale
                clip = (left, top - sticker.height * PT_PER_MM, sticker.width * PT_PER_MM, sticker.height * PT_PER_MM)
                draw(writer.pages[first], name, reference, clip, (k, 0, 0, k, left - k * code_left, top - k * code_top))
            first += 1
    writer.add_metadata({"/Title": f"Affiche {big.size} sur {per_page} feuilles {sheet.size}, QR code à coller"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_xobject(page, box, writer):
    """A PDF page as one Form XObject, drawn once per sheet (stored once)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
            NameObject("/Resources"): page["/Resources"].get_object().clone(writer),
        }
    )
    return form.flate_encode()
