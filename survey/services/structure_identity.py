"""A structure's printed identity: its name, who to contact about one's data (RGPD) and its logo.

Edited on the coordinator's page « Ma structure », printed on every poster, panel, paper sheet
and summary of the structure's campaigns, and shown on the public privacy and thank-you pages.
A campaign's own « Structure qui mène la campagne » (``Campaign.structure``, which may name a
partner) still wins for the name; the contact and the logo are the owning structure's.

The logo goes through the photos' checks (type from the bytes, pixels from the header), then is
re-encoded with Pillow: smaller, and without what a file carries besides its pixels (EXIF, a
phone's GPS position). It is kept in the photo store (files on the laptop, a table on a shared
instance) under ``LOGO_FOLDER`` and the structure's id, with a new name at each change.
"""

from __future__ import annotations

import base64
import io
import re
import uuid
import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..model.campaign import Campaign
from ..model.clock import utc_now
from ..model.errors import SurveyError
from ..model.structure import DEFAULT_NAME, Structure, validate
from .fieldwork.photos import PhotoError, check_dimensions, image_type

if TYPE_CHECKING:
    from . import Services

# The photo store's first level for logos: never a campaign id (those start with a letter or digit).
LOGO_FOLDER = "_structures"
MAX_LOGO_BYTES = 3 * 1024 * 1024  # a phone's photo of a logo passes; the re-encoded logo is far smaller
MAX_LOGO_PIXELS = 25_000_000  # decoded in memory to be re-encoded: 100 MB at most
LOGO_SIDE = 1200  # pixels kept on the longer side: sharp at the size a logo prints, even on an A0 panel
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
_LOGO_NAME = re.compile(r"^logo-[0-9a-f]{32}\.(png|jpg)$")
UNREADABLE_LOGO = (
    "Ce logo ne peut pas être lu (fichier abîmé). Enregistrez-le à nouveau en PNG ou en JPEG, puis envoyez-le."
)


class IdentityError(SurveyError, ValueError):
    """What is wrong with a structure's identity, in French (``problems``: one sentence each)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Identity:
    """What a printable or a public page shows of who runs a campaign."""

    name: str  # "" when neither the campaign nor its structure gives one
    contact: str  # one line; "" when the structure gave none
    logo: bytes | None = None
    logo_type: str = ""

    @property
    def logo_uri(self) -> str:
        """The logo as a ``data:`` address: a PDF embeds it without any file or network fetch."""
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"


def chosen_name(structure: Structure) -> str:
    """The structure's name once someone chose it: the placeholder of the default structure
    made at first start (« Ma structure ») is never printed on a poster."""
    name = " ".join(structure.name.split())
    return "" if name == DEFAULT_NAME else name


def contact_line(contact: str) -> str:
    """A contact typed on several lines (a postal address) as one printed line."""
    return ", ".join(line.strip().rstrip(",") for line in contact.splitlines() if line.strip())


def read_logo(svc: Services, structure: Structure) -> bytes | None:
    if not _LOGO_NAME.match(structure.logo or ""):
        return None
    return svc.photos.read(LOGO_FOLDER, structure.id, structure.logo)


def logo_type(structure: Structure) -> str:
    return LOGO_TYPES.get(structure.logo.rsplit(".", 1)[-1], "") if structure.logo else ""


def identity_of(svc: Services, structure: Structure, campaign_name: str = "", with_logo: bool = True) -> Identity:
    logo = read_logo(svc, structure) if with_logo else None
    return Identity(
        name=" ".join(campaign_name.split()) or chosen_name(structure),
        contact=contact_line(structure.contact),
        logo=logo,
        logo_type=logo_type(structure) if logo else "",
    )


def identity_for(svc: Services, campaign: Campaign, with_logo: bool = True) -> Identity:
    """The identity printed for ``campaign``: its own structure text if it has one, else its
    owning structure's name; the owning structure's contact and logo."""
    return identity_of(svc, svc.structures.owning(campaign.structure_id), campaign.structure, with_logo)


def prepare_logo(data: bytes) -> tuple[bytes, str]:
    """A PNG or JPEG checked from its bytes and re-encoded (at most ``LOGO_SIDE`` pixels, no
    metadata): the bytes to keep and their extension. ``IdentityError`` in French otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        size = f"{len(data) / (1024 * 1024):.1f}".replace(".", ",")
        raise IdentityError([f"Le logo est trop lourd ({size} Mo). Maximum : {MAX_LOGO_BYTES // (1024 * 1024)} Mo."])
    kind = image_type(data)
    if kind is None or kind[0] not in LOGO_TYPES:
        raise IdentityError(
            ["Ce fichier n'est pas une image PNG ou JPEG. Choisissez le fichier du logo en PNG ou en JPEG."]
        )
    ext = kind[0]
    try:
        check_dimensions(data, UNREADABLE_LOGO)
    except PhotoError as exc:
        raise IdentityError([str(exc)]) from None
    return _reencoded(data, ext), ext


def _reencoded(data: bytes, ext: str) -> bytes:
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_LOGO_PIXELS:
                    raise IdentityError(
                        [
                            f"Ce logo est trop grand ({opened.width} × {opened.height} pixels) : "
                            f"réduisez-le à {LOGO_SIDE * 2} pixels de côté environ."
                        ]
                    )
                opened.draft("RGB", (LOGO_SIDE, LOGO_SIDE))  # JPEG: decoded at a smaller scale
                image = ImageOps.exif_transpose(opened)  # upright, as the phone showed it
                image.thumbnail((LOGO_SIDE, LOGO_SIDE))
                out = io.BytesIO()
                if ext == "png":
                    keep = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
                    keep.save(out, "PNG", optimize=True)
                else:
                    image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
                return out.getvalue()
    except IdentityError:
        raise
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError):
        raise IdentityError([UNREADABLE_LOGO]) from None


@dataclass(frozen=True)
class IdentityChange:
    """What a coordinator sends from « Ma structure »."""

    name: str
    contact: str
    logo: bytes | None = None  # a new logo, as uploaded (checked and re-encoded here)
    remove_logo: bool = False


def clean_name(name: str) -> str:
    return " ".join((name or "").split())


def clean_contact(contact: str) -> str:
    """Lines kept (a postal address), each trimmed, no empty ones, ``\\r`` gone."""
    lines = [" ".join(line.split()) for line in (contact or "").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def save_identity(svc: Services, structure_id: str, change: IdentityChange) -> Structure:
    """Check everything first (a bad field changes nothing), keep a new logo durably, then
    write name, contact and logo as one read-modify-write of the structure's record (made
    when the default structure was not stored yet)."""
    current = svc.structures.owning(structure_id)
    wanted = replace(current, name=clean_name(change.name), contact=clean_contact(change.contact))
    problems = validate(wanted)
    if problems:
        raise IdentityError(problems)
    logo = None
    if change.logo is not None and not change.remove_logo:
        data, ext = prepare_logo(change.logo)
        logo = f"logo-{uuid.uuid4().hex}.{ext}"
        # Written before the record names it: a record never names a logo that is not stored.
        svc.photos.write(LOGO_FOLDER, structure_id, logo, data)

    def edit(record: dict) -> dict:
        record.update(name=wanted.name, contact=wanted.contact)
        if not record.get("created_at"):
            record["created_at"] = utc_now()
        if logo is not None:
            record["logo"] = logo
        elif change.remove_logo:
            record["logo"] = ""
        return record

    saved = svc.structures.change(structure_id, edit, create=True)
    assert saved is not None  # create=True always stores one
    return saved


def describe_change(before: Structure, after: Structure) -> str:
    """For the journal: which parts changed (the words themselves are on the page)."""
    parts = []
    if before.name != after.name:
        parts.append(f"nom « {after.name} »")
    if before.contact != after.contact:
        parts.append("contact RGPD " + ("retiré" if not after.contact else "changé"))
    if before.logo != after.logo:
        parts.append("logo " + ("retiré" if not after.logo else "changé"))
    return f"{after.id} : " + (", ".join(parts) if parts else "rien de changé")
