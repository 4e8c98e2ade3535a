"""Reading an XLSForm as one of our questionnaires, and saying what was left out.

The import keeps what our format can say and reports, in French, every thing it leaves
out and why (groups flattened, photos and GPS dropped, conditions too complex…): a
coordinator should never discover later that a question vanished. The result is a dict
in our file format, validated by ``survey.formats.yaml_files.from_dict``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...model.questionnaire import DEFAULT_SCALE_LABELS, OTHER_VALUE, Problem, Questionnaire, QuestionnaireError
from .. import pictograms
from ..yaml_files import MAX_YAML_DEPTH, RefusedYAML, from_dict, load_plain_yaml
from .sheets import Sheet
from .spec import (
    DATE_TYPES,
    EXCLUSIVE_COLUMN,
    INTRO_NOTES,
    METADATA_TYPES,
    SETTINGS_COLUMNS,
    SOURCE_COLUMN,
    TYPE_PHRASES,
    UNKNOWN_LANGUAGE,
    UNSUPPORTED_TYPES,
    VOICE_COLUMN,
    XLSFormError,
    is_drawing_row,
    language_code,
)

# Words a translation gives that our format keeps outside a question's label and choices
# (oui/non, « autre »): carried on the question read in one language only.
WORDS = "__words__"


@dataclass
class ImportResult:
    """A questionnaire in our file format, and what could not be carried over."""

    data: dict
    notes: list[str] = field(default_factory=list)

    def validate(self, filename: str = "XLSForm") -> tuple[Questionnaire | None, list[Problem]]:
        try:
            return from_dict(self.data, filename), []
        except QuestionnaireError as exc:
            return None, exc.problems


_YES = {"yes", "true", "true()", "1", "oui", "y", "vrai"}
_NO = {"", "no", "false", "false()", "0", "non", "n", "faux"}

_ANY_QUOTED = r"(?:'([^']*)'|\"([^\"]*)\")"
_EQUALS = re.compile(r"^\$\{\s*([^}\s]+)\s*\}\s*=\s*(?:" + _ANY_QUOTED + r"|(-?\d+))$")
_SELECTED = re.compile(r"^selected\(\s*\$\{\s*([^}\s]+)\s*\}\s*,\s*" + _ANY_QUOTED + r"\s*\)$")
_BOUND = re.compile(r"^\.\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$")
_REFERENCE = re.compile(r"\$\{[^}]+\}")


_NEVER_SHOWN = object()  # a condition that can never be true


def _bare(expression: str) -> str:
    text = (expression or "").strip().lower()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _never(relevant: str) -> bool:
    """``0``, ``false()``, ``no``…: the question is never shown (pyxform reads no/false as false())."""
    return _bare(relevant) in ("0", "false", "false()", "no")


def _always(relevant: str) -> bool:
    return _bare(relevant) in ("1", "true", "true()", "yes")


def normalise_id(text: str, dashes: bool = False) -> str:
    """A name from another tool as one of our ids: lowercase ASCII, digits, ``_`` and ``-``."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[\s.]+", "_", folded)
    folded = re.sub(r"[^a-z0-9_-]", "", folded)
    if dashes:
        folded = folded.replace("_", "-")
    folded = re.sub(r"^[_-]+", "", folded)
    return folded[:63].rstrip("_-") if len(folded) > 63 else folded


def parse_relevant(expression: str):
    """``${q} = 'x'`` / ``selected(${q}, 'x')``, alone or joined by ``or`` on one question:
    (question name, [values]); None for anything else."""
    text = (expression or "").strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    terms = re.split(r"\s+or\s+", text)
    name, values = None, []
    for term in terms:
        term = term.strip()
        while term.startswith("(") and term.endswith(")") and _balanced(term[1:-1]):
            term = term[1:-1].strip()
        match = _EQUALS.match(term) or _SELECTED.match(term)
        if not match:
            return None
        groups = [g for g in match.groups()[1:] if g is not None]
        if name is not None and match.group(1) != name:
            return None
        name = match.group(1)
        values.append(groups[0] if groups else "")
    return (name, values) if name else None


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def parse_bounds(expression: str):
    """``. >= 0 and . <= 120`` -> (0, 120); None when the constraint says something else."""
    text = (expression or "").strip()
    low = high = None
    for term in re.split(r"\s+and\s+", text):
        term = term.strip()
        while term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        match = _BOUND.match(term)
        if not match:
            return None
        op, number = match.group(1), float(match.group(2))
        if not number.is_integer():
            return None
        number = int(number)
        if op == ">=":
            low = number
        elif op == ">":
            low = number + 1
        elif op == "<=":
            high = number
        else:
            high = number - 1
    return low, high


class _Importer:
    """One conversion, with its notes (kept in the order a person would check them)."""

    def __init__(self, sheets: dict[str, Sheet], filename: str, only_language: str | None = None):
        self.sheets = sheets
        self.filename = filename
        # Reading one translation (``translated_import.py``): that language's column only, no
        # fallback to another, and the words of oui/non and « autre » kept.
        self.only_language = only_language
        self.notes: list[str] = []
        self.questions: list[dict] = []
        self.by_name: dict[str, dict] = {}  # XLSForm name -> our question dict
        self.value_maps: dict[str, dict] = {}  # XLSForm name -> {choice name: our value}
        self.top: dict = {}
        self.dropped_meta: list[str] = []
        self.flattened: list[str] = []
        self.once: set[str] = set()
        self.renamed: list[str] = []
        self.never: set[str] = set()  # XLSForm names of questions never shown

    def note(self, text: str) -> None:
        self.notes.append(text)

    def note_once(self, key: str, text: str) -> None:
        if key not in self.once:
            self.once.add(key)
            self.note(text)

    # -- languages
    def choose_language(self, settings: dict):
        if self.only_language is not None:
            self.language_column, self.language = self.only_language, language_code(self.only_language)
            return
        labels = [key[1] for key in self.sheets["survey"].header if isinstance(key, tuple) and key[0] == "label"]
        plain = "label" in self.sheets["survey"].header
        self.language_column = None
        self.language = UNKNOWN_LANGUAGE
        default = settings.get("default_language", "")
        french = [lang for lang in labels if language_code(lang) == "fr"]
        if french:
            chosen = french[0]
        elif default and default in labels:
            chosen = default
        elif plain or not labels:
            chosen = None
        else:
            chosen = labels[0]
        self.language_column = chosen
        code = language_code(chosen or default)
        if code:
            self.language = code
        # Several languages: the others become translations (translated_import.py), which notes any left out.
        if plain and chosen is not None:
            self.note(
                f"Le formulaire a des libellés en « {chosen} » et d'autres sans langue précisée "
                f"(colonne « label ») : seuls ceux en « {chosen} » sont repris."
            )
        elif labels and chosen is None:
            self.note(
                f"Le formulaire a des libellés sans langue précisée (colonne « label ») et d'autres en "
                f"{', '.join(labels)} : seuls ceux de la colonne « label » sont repris."
            )
        if not code:
            self.note(
                "Le formulaire ne dit pas dans quelle langue il est écrit : le questionnaire est noté "
                "« langue non précisée » plutôt que français."
            )

    def text(self, row: dict, column: str) -> str:
        """A text in the chosen language, else the plain column, else any language."""
        if self.only_language is not None:
            return row.get((column, self.only_language)) or ""
        if self.language_column is not None and row.get((column, self.language_column)):
            return row[(column, self.language_column)]
        if row.get(column):
            return row[column]
        for key, value in row.items():
            if isinstance(key, tuple) and key[0] == column and value:
                self.note_once(
                    f"fallback-{column}",
                    "Certains textes n'existaient pas dans la langue choisie : "
                    "ils sont repris dans une autre langue, à traduire.",
                )
                return value
        return ""

    # -- choices
    def choice_lists(self) -> dict[str, list[tuple[str, str]]]:
        sheet = self.sheets.get("choices")
        lists: dict[str, list[tuple[str, str]]] = {}
        self.exclusive: dict[str, set[str]] = {}
        self.pictos: dict[str, dict[str, str]] = {}
        if sheet is None:
            return lists
        for number, row in sheet.rows:
            list_name = row.get("list_name", "")
            name = row.get("name", "")
            if not list_name or not name:
                continue
            label = self.text(row, "label")
            lists.setdefault(list_name, []).append((name, label or ("" if self.only_language else name)))
            if str(row.get(EXCLUSIVE_COLUMN, "")).strip().lower() in ("yes", "true", "1", "oui"):
                self.exclusive.setdefault(list_name, set()).add(name)
            self.choice_picto(list_name, name, row)
        return lists

    def choice_picto(self, list_name: str, name: str, row: dict) -> None:
        """A choice's image (``media::image``) that names one of our pictograms (``smartphone.svg``)
        becomes its ``picto``; another image is not carried over, and the notes say so."""
        image = next((str(v).strip() for k, v in row.items() if _is_image_column(k) and str(v).strip()), "")
        if not image:
            return
        stem = image.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        if pictograms.exists(stem):
            self.pictos.setdefault(list_name, {})[name] = stem
        else:
            self.note_once(
                "choice-images",
                "Les images des choix qui ne sont pas nos pictogrammes ne sont pas reprises "
                f"(par exemple « {image} »).",
            )

    # -- the whole form
    def run(self) -> ImportResult:
        if "survey" not in self.sheets:
            found = ", ".join(f"« {s.name} »" for s in self.sheets.values()) or "aucune"
            raise XLSFormError(
                "La feuille « survey » manque : un XLSForm a une feuille « survey » (les questions), "
                "une feuille « choices » (les réponses possibles) et parfois « settings ». "
                f"Feuilles trouvées : {found}."
            )
        survey = self.sheets["survey"]
        if "type" not in survey.header or "name" not in survey.header:
            raise XLSFormError(
                "La feuille « survey » doit avoir les colonnes « type », « name » et « label » sur sa première ligne."
            )
        settings = {}
        if "settings" in self.sheets and self.sheets["settings"].rows:
            settings = self.sheets["settings"].rows[0][1]
        self.choose_language(settings)
        self.lists = self.choice_lists()
        self.groups: list[dict] = []
        rows = survey.rows
        index = 0
        while index < len(rows):
            number, row = rows[index]
            index += self.row(number, row, rows[index + 1] if index + 1 < len(rows) else None)
        self.finish(settings)
        return ImportResult(self.build(settings), self.notes)

    def row(self, number: int, row: dict, following) -> int:
        """Handle one survey row; returns how many rows were used (2 when an « autre » text is absorbed)."""
        raw_type = row.get("type", "")
        name = row.get("name", "")
        label = self.text(row, "label")
        tokens = raw_type.split()
        if not tokens:
            if name or label:
                self.note(f"Ligne {number} (« {label or name} ») : pas de type, ligne ignorée.")
            return 1
        kind = tokens[0].lower()
        rest = tokens[1:]
        if kind in ("begin", "end", "select", "add") and rest:
            joined = " ".join(t.lower() for t in tokens) + " "
            for prefix, value in TYPE_PHRASES:
                if joined.startswith(prefix + " "):
                    kind = value
                    rest = tokens[len(prefix.split()) :]
                    break
        kind = {
            "select1": "select_one",
            "begin_lgroup": "begin_repeat",
            "end_lgroup": "end_repeat",
            "imei": "deviceid",
        }.get(kind, kind)
        what = f"Ligne {number}, « {label or name} »"

        if kind in ("begin_group", "begin_repeat"):
            relevant = row.get("relevant", "")
            inside_hidden = any(g["never"] for g in self.groups)
            never = inside_hidden or _never(relevant)
            self.groups.append(
                {"relevant": "" if _always(relevant) else relevant, "kind": kind, "number": number, "never": never}
            )
            if never:
                if not inside_hidden:
                    self.note(
                        f"{what} : la condition « {relevant} » ne montre jamais ce groupe ; ni lui ni ses "
                        "questions ne sont repris."
                    )
                return 1
            if kind == "begin_repeat":
                self.note(
                    f"{what} : c'est une répétition ; ses questions sont posées une seule fois "
                    "(pour plusieurs personnes, faites plusieurs réponses)."
                )
            else:
                self.flattened.append(label or name)
            if label and kind == "begin_group":
                self.add_question(number, row, name, {"type": "note", "label": label}, relevant_of_group=False)
            return 1
        if kind in ("end_group", "end_repeat"):
            if self.groups:
                self.groups.pop()
            return 1
        if kind in METADATA_TYPES:
            self.dropped_meta.append(kind)
            return 1
        if kind in UNSUPPORTED_TYPES and not is_drawing_row(kind, row):
            self.note(f"{what} ({raw_type}) : non reprise, car {UNSUPPORTED_TYPES[kind]}.")
            return 1
        question: dict = {}
        used = 1
        if kind == "text":
            appearance = row.get("appearance", "").lower()
            question = {"type": "long_text" if "multiline" in appearance else "short_text"}
        elif kind in ("integer", "decimal"):
            question = {"type": "number"}
            if kind == "decimal":
                self.note(
                    f"{what} : nombre à virgule devenu nombre entier (notre outil ne prend que des nombres entiers)."
                )
        elif kind in DATE_TYPES:
            question = {"type": "short_text"}
            self.note(f"{what} : {DATE_TYPES[kind]} à écrire en texte libre (notre outil n'a pas de calendrier).")
        elif kind == "range":
            question = self.range(row, what)
        elif kind == "note":
            question = {"type": "note"}
        elif is_drawing_row(kind, row):
            question = {"type": "dessin"}
        elif kind in ("select_one", "select_multiple"):
            question, used = self.select(kind, rest, row, following, what, name)
            if question is None:
                return 1
        else:
            self.note(f"{what} : le type « {raw_type} » est inconnu de notre outil, question non reprise.")
            return 1
        question["label"] = label
        if not label and self.only_language is None:  # a translation's missing label stays missing
            if question["type"] == "note":
                return used
            question["label"] = name
            self.note(f"{what} : pas de libellé ; le nom « {name} » sert de libellé, à reformuler.")
        self.add_question(number, row, name, question)
        return used

    def range(self, row: dict, what: str) -> dict:
        params = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters", "")))
        try:
            start, end, step = (float(params.get(k, d)) for k, d in (("start", 0), ("end", 10), ("step", 1)))
        except ValueError:
            start, end, step = 0.0, 10.0, 1.0
        if (start, end, step) == (1, 5, 1):
            return {"type": "scale"}
        question = {"type": "number"}
        if start.is_integer() and end.is_integer():
            question["min"], question["max"] = sorted((int(start), int(end)))
        self.note(
            f"{what} : réglette de {_num(start)} à {_num(end)} devenue un nombre à écrire (notre échelle va de 1 à 5)."
        )
        return question

    def select(self, kind, rest, row, following, what, name):
        if not rest:
            self.note(f"{what} : il manque le nom de la liste après « {kind} », question non reprise.")
            return None, 1
        list_name = rest[0]
        or_other = len(rest) > 1 and " ".join(rest[1:]).lower() in ("or_other", "or other", "or specify other")
        if list_name not in self.lists:
            where = (
                "la feuille « choices » manque"
                if "choices" not in self.sheets
                else f"la liste « {list_name} » n'est pas dans la feuille « choices »"
            )
            self.note(f"{what} : {where}, question non reprise.")
            return None, 1
        if row.get("choice_filter"):
            self.note(
                f"{what} : le filtre de la liste (choice_filter) n'est pas repris ; tous les choix sont proposés."
            )
        raw_choices = self.lists[list_name]
        names = [n for n, _ in raw_choices]
        labels = [lab for _, lab in raw_choices]
        used = 1
        value_map: dict[str, str] = {}
        if (
            kind == "select_one"
            and [n.lower() for n in names] in (["oui", "non"], ["yes", "no"])
            and (names[0] == "oui" or [lab.lower() for lab in labels] == ["oui", "non"])
        ):
            value_map = {names[0]: "oui", names[1]: "non"}
            self.value_maps[name] = value_map
            return ({"type": "yes_no", WORDS: {"yes_no": labels}} if self.only_language else {"type": "yes_no"}), used
        likert = "likert" in row.get("appearance", "").lower()
        if kind == "select_one" and likert and names == ["1", "2", "3", "4", "5"]:
            self.value_maps[name] = {n: n for n in names}
            question = {"type": "scale"}
            if tuple(labels) != DEFAULT_SCALE_LABELS or self.only_language:
                question["scale_labels"] = labels
            return question, used
        question = {"type": "single_choice" if kind == "select_one" else "multiple_choice", "choices": []}
        other = or_other
        other_text = {f"{name}__autre", f"{name}_other", f"{name}_autre"}
        if names and names[-1] in (OTHER_VALUE, "other") and following is not None:
            next_row = following[1]
            if next_row.get("type", "").strip().lower() == "text" and next_row.get("name") in other_text:
                other = True
                value_map[names[-1]] = OTHER_VALUE
                if self.only_language:
                    question[WORDS] = {"other": labels[-1]}
                raw_choices = raw_choices[:-1]
                used = 2
        renamed = []
        for index, (choice_name, choice_label) in enumerate(raw_choices, 1):
            value = normalise_id(choice_name) or f"choix_{index}"
            if value == OTHER_VALUE:
                value = f"{OTHER_VALUE}_choix"
            base, n = value, 2
            while any(c["value"] == value for c in question["choices"]):
                value, n = f"{base}_{n}", n + 1
            if value != choice_name:
                renamed.append(f"{choice_name} → {value}")
            value_map[choice_name] = value
            question["choices"].append({"value": value, "label": choice_label})
            if kind == "select_multiple" and choice_name in self.exclusive.get(list_name, ()):
                question["choices"][-1]["exclusive"] = True
            if choice_name in self.pictos.get(list_name, {}):
                question["choices"][-1]["picto"] = self.pictos[list_name][choice_name]
        if renamed:
            self.note_once(
                f"list-{list_name}",
                f"Liste « {list_name} » : codes adaptés à notre format "
                f"({', '.join(renamed[:6])}{'…' if len(renamed) > 6 else ''}).",
            )
        if other:
            question["other"] = True
            if or_other:
                value_map["other"] = OTHER_VALUE
        self.value_maps[name] = value_map
        return question, used

    def add_question(self, number, row, name, question, relevant_of_group=True):
        what = f"Ligne {number}, « {question.get('label') or name} »"
        if name in INTRO_NOTES and question["type"] == "note":
            key, prefix = INTRO_NOTES[name]
            text = question["label"]
            self.top[key] = text[len(prefix) :] if prefix and text.startswith(prefix) else text
            return
        if any(g["never"] for g in self.groups):
            self.never.add(name)  # said once, for its group
            return
        own = row.get("relevant", "")
        if _never(own):
            self.note(f"{what} : la condition « {own} » ne l'affiche jamais ; question non reprise.")
            self.never.add(name)
            return
        relevant = "" if _always(own) else own
        if not relevant and relevant_of_group:
            relevant = next((g["relevant"] for g in reversed(self.groups) if g["relevant"]), "")
        show_if = self.show_if(relevant, what) if relevant else None
        if show_if is _NEVER_SHOWN:
            self.note(
                f"{what} : la condition « {relevant} » dépend d'une question jamais posée ; question non reprise."
            )
            self.never.add(name)
            return
        qid = normalise_id(name) or f"question-{len(self.questions) + 1}"
        base, n = qid, 2
        while any(q["id"] == qid for q in self.questions):
            qid, n = f"{base}_{n}", n + 1
        if qid != name and qid != name.lstrip("_") and question["type"] != "note":
            self.renamed.append(f"{name} → {qid}")
        item = {"id": qid, "type": question["type"], "label": question["label"]}
        hint = self.text(row, "hint")
        if hint:
            item["help"] = hint
        required = row.get("required", "").strip().lower()
        if question["type"] != "note":
            if required in _YES:
                item["required"] = True
            elif required not in _NO:
                self.note(
                    f"{what} : la règle d'obligation « {row['required']} » n'est pas reprise ; "
                    "la question est facultative."
                )
        for key in ("choices", "other", "scale_labels", "min", "max", WORDS):
            if key in question:
                item[key] = question[key]
        self.constraint(row, item, what)
        if show_if:
            item["show_if"] = show_if
        if _REFERENCE.search(item["label"]):
            self.note(
                f"{what} : le libellé cite une autre réponse ({_REFERENCE.search(item['label']).group(0)}) ; "
                "notre outil l'affiche tel quel, à reformuler."
            )
        if row.get("default"):
            self.note_once("default", "Les valeurs par défaut (colonne « default ») ne sont pas reprises.")
        if _has_column(row, "required_message"):
            self._messages_note()
        if any((k[0] if isinstance(k, tuple) else k) in ("image", "audio", "video", "media::image") for k in row):
            self.note_once("media", "Les images, sons et vidéos joints aux questions ne sont pas repris.")
        parsed = self.source(row.get(SOURCE_COLUMN, ""), what)
        if parsed:
            item["source"] = parsed
        self.voice(row, item, what)
        self.questions.append(item)
        self.by_name[name] = item

    def voice(self, row, item, what):
        """Our column ``voice_porteur_de_parole`` (``spec.VOICE_COLUMN``): « yes » on a text
        question lets the person answer by a recording too."""
        said = str(row.get(VOICE_COLUMN, "")).strip().lower()
        if not said or said in _NO:
            return
        if said not in _YES:
            self.note(
                f"{what} : la colonne « {VOICE_COLUMN} » vaut « {said} » : ni oui ni non, pas de réponse à voix haute."
            )
        elif item["type"] in ("short_text", "long_text"):
            item["voice"] = True
        else:
            self.note(f"{what} : la réponse à voix haute ne vaut que pour une question à réponse libre ; non reprise.")

    def constraint(self, row, item, what):
        expression = row.get("constraint", "")
        if not expression:
            return
        if item["type"] == "number":
            bounds = parse_bounds(expression)
            if bounds is not None:
                low, high = bounds
                if low is not None:
                    item["min"] = low if item.get("min") is None else max(low, item["min"])
                if high is not None:
                    item["max"] = high if item.get("max") is None else min(high, item["max"])
                if item.get("min") is None or item.get("max") is None or item["min"] <= item["max"]:
                    return  # carried over; our own words say the limits
                item.pop("min"), item.pop("max")
                self.note(f"{what} : les limites « {expression} » se contredisent ; elles ne sont pas reprises.")
                return
        if _has_column(row, "constraint_message"):
            self._messages_note()
        self.note(
            f"{what} : la contrainte « {expression} » n'est pas reprise (notre outil vérifie seulement "
            "les réponses obligatoires, les choix et les limites d'un nombre)."
        )

    def _messages_note(self):
        self.note_once(
            "messages",
            "Les messages d'erreur personnalisés ne sont pas repris : notre outil a "
            "ses propres messages en français simple.",
        )

    def show_if(self, relevant: str, what: str):
        parsed = parse_relevant(relevant)
        if parsed is None:
            self.note(
                f"{what} : la condition « {relevant} » est trop complexe pour notre outil ; "
                "la question sera toujours posée."
            )
            return None
        name, values = parsed
        if name in self.never and all(values):
            return _NEVER_SHOWN
        target = self.by_name.get(name)
        if target is None:
            self.note(
                f"{what} : la condition « {relevant} » renvoie à « {name} », qui n'est pas une question reprise "
                "placée avant ; la question sera toujours posée."
            )
            return None
        value_map = self.value_maps.get(name)
        if not value_map:
            self.note(
                f"{what} : la condition « {relevant} » porte sur une question sans choix ; "
                "la question sera toujours posée."
            )
            return None
        mapped = []
        for value in values:
            if value not in value_map:
                self.note(
                    f"{what} : la condition attend « {value} », qui n'est pas un choix de « {name} » ; "
                    "la question sera toujours posée."
                )
                return None
            mapped.append(value_map[value])
        return {"question": target["id"], "equals": mapped[0] if len(mapped) == 1 else mapped}

    def finish(self, settings: dict):
        if self.renamed:
            shown = ", ".join(self.renamed[:10]) + ("…" if len(self.renamed) > 10 else "")
            self.note(
                f"Identifiants de questions adaptés à notre format (minuscules, sans espace ni accent) : {shown}."
            )
        if self.flattened:
            shown = ", ".join(f"« {g} »" for g in self.flattened[:8]) + ("…" if len(self.flattened) > 8 else "")
            self.note(
                f"Groupes mis à plat : {shown}. Leurs questions sont reprises à la suite ; le titre d'un "
                "groupe devient un texte d'information."
            )
        if self.dropped_meta:
            kinds = ", ".join(dict.fromkeys(self.dropped_meta))
            self.note(
                f"Informations relevées automatiquement par ODK non reprises ({kinds}) : notre outil "
                "enregistre déjà l'heure de début et d'envoi, et ne relève pas l'appareil ni la personne."
            )
        if settings.get("public_key"):
            self.note("Le chiffrement du formulaire (public_key) n'est pas repris.")
        if settings.get("submission_url"):
            self.note("L'adresse d'envoi (submission_url) n'est pas reprise : les réponses arrivent ici.")

    def build(self, settings: dict) -> dict:
        stem = Path(self.filename).stem
        title = settings.get("form_title") or stem or "Questionnaire importé"
        qid = (
            normalise_id(settings.get("form_id", ""), dashes=True)
            or normalise_id(title, dashes=True)
            or "questionnaire-importe"
        )
        version = 1
        raw_version = settings.get("version", "")
        if raw_version:
            if raw_version.isdigit() and 1 <= int(raw_version) <= 99999:
                version = int(raw_version)
            else:
                self.note(
                    f"La version « {raw_version} » du formulaire n'est pas reprise : ce questionnaire "
                    "commence ici à la version 1."
                )
        data = {
            "id": qid,
            "title": title,
            "version": version,
            "language": self.language,
            "intro": self.top.get("intro", ""),
            "purpose": self.top.get("purpose", ""),
            "consent": self.top.get("consent", ""),
            "source": self.source(settings.get(SOURCE_COLUMN, ""), "Feuille « settings »") or {},
            "questions": self.questions,
        }
        for key, column in SETTINGS_COLUMNS.items():
            value = str(settings.get(column, "") or "").strip()
            if value:
                data[key] = value.lower() in ("yes", "true", "1", "oui") if key == "allow_empty" else value
        if not any(q["type"] != "note" for q in self.questions):
            # Only texts to read, or nothing at all: the same refusal, whatever was left out.
            raise XLSFormError(
                "Aucune question n'a pu être reprise de ce formulaire : il n'y reste aucune "
                "question à laquelle répondre, rien n'a été importé.",
                self.notes,
            )
        return data

    def source(self, text: str, what: str) -> dict | None:
        """Our ``source`` column (where a question comes from): the JSON we write, else YAML
        written by hand, without aliases, never nested deeper than a questionnaire file."""
        if not text:
            return None
        try:
            value = json.loads(text)  # first: JSON keeps characters that YAML refuses (\x7f)
        except (ValueError, RecursionError):
            try:
                value = load_plain_yaml(text)
            except RefusedYAML as exc:
                self.note(f"{what} : la colonne « {SOURCE_COLUMN} » n'est pas reprise : {exc.message}.")
                return None
            except (yaml.YAMLError, ValueError, OverflowError):
                return None
        if _deeper_than(value, MAX_YAML_DEPTH):
            self.note(
                f"{what} : la colonne « {SOURCE_COLUMN} » n'est pas reprise : elle est imbriquée sur plus "
                f"de {MAX_YAML_DEPTH} niveaux."
            )
            return None
        return value if isinstance(value, dict) else None


def _deeper_than(value, limit: int) -> bool:
    if limit < 0:
        return True
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_deeper_than(child, limit - 1) for child in children)


def _is_image_column(key) -> bool:
    """``image``, ``media::image`` or ``media::image::Français (fr)`` (an image per language)."""
    if isinstance(key, tuple):
        return key[0] == "media" and key[1].split("::")[0].strip().lower() == "image"
    return key == "image"


def _has_column(row: dict, column: str) -> bool:
    """A value in ``column`` or in one of its languages (``column::Français (fr)``)."""
    return any((key[0] if isinstance(key, tuple) else key) == column for key in row)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def import_one_language(sheets: dict[str, Sheet], filename: str, language: str | None = None) -> ImportResult:
    """The workbook in our format, in its reference language (French when it has it), or
    in exactly ``language`` (a ``label::…`` column's suffix) for one of its translations."""
    return _Importer(sheets, filename, only_language=language).run()
