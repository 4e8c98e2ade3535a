"""XLSForm exchange with ODK and KoboToolbox.

Partners build their forms in XLSForm, so we read it, and we write ours in it so that
they can reuse them. ``spec`` names the format (columns, types, languages), ``sheets``
reads a workbook within its bounds, ``export`` writes one, ``importer`` turns one into
our questionnaire format with a French note for everything left out, and ``translated_import``
reads each other language of it as a translation.
"""

from .export import export_filename, export_xlsform
from .importer import ImportResult
from .sheets import MAX_UPLOAD
from .spec import MIMETYPE, SOURCE_COLUMN, XLSFormError
from .translated_import import import_xlsform

__all__ = [
    "ImportResult",
    "MAX_UPLOAD",
    "MIMETYPE",
    "SOURCE_COLUMN",
    "XLSFormError",
    "export_filename",
    "export_xlsform",
    "import_xlsform",
]
