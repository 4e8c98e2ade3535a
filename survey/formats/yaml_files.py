"""Questionnaire files in YAML: reading them, with every problem said in French.

A questionnaire is data: a YAML file in ``questionnaires/`` (format in
``docs/QUESTIONNAIRE_FORMAT.md``). This module turns a file into the immutable objects
of ``survey.model.questionnaire`` and reports every problem in French, with file, line
and question id, so that a facilitator can fix a file without reading code. It refuses
YAML anchors and aliases (and deep nesting) before anything is built from them.
``from_dict`` is here rather than in the model: it checks the file format (its keys, the
line numbers the loader noted), and ``survey.formats.yaml_writer`` writes the same keys.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import yaml

from ..model.questionnaire import (
    AUDIENCES,
    CHOICE_TYPES,
    DEFAULT_AUDIENCE,
    DEFAULT_SCALE_LABELS,
    OPEN_TYPES,
    OTHER_VALUE,
    TYPES,
    Choice,
    Library,
    Problem,
    Question,
    Questionnaire,
    QuestionnaireError,
    ShowIf,
)
from . import pictograms, yaml_translations

# The keys of a questionnaire file, in the order the writer lays them out (``docs/QUESTIONNAIRE_FORMAT.md``).
TOP_ORDER = (
    "id",
    "title",
    "version",
    "language",
    "languages",
    "audience",
    "allow_empty",
    "intro",
    "intro_with_volunteer",
    "purpose",
    "consent",
    "consent_with_volunteer",
    "source",
    "questions",
    "translations",
)
QUESTION_ORDER = (
    "id",
    "type",
    "label",
    "help",
    "required",
    "choices",
    "other",
    "min",
    "max",
    "scale_labels",
    "voice",
    "show_if",
    "source",
)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_TOP_KEYS = set(TOP_ORDER)
_QUESTION_KEYS = set(QUESTION_ORDER)
_LINE = "__line__"
_KEY_LINES = "__key_lines__"
_META = {_LINE, _KEY_LINES}


# Deeper than any questionnaire; a file of brackets nested thousands deep would exhaust the stack.
MAX_YAML_DEPTH = 40
ALIAS_REFUSED = (
    "les renvois YAML (« &nom » et « *nom ») ne sont pas acceptés dans un questionnaire : "
    "écrivez chaque texte en entier"
)
DEPTH_REFUSED = f"le fichier a plus de {MAX_YAML_DEPTH} niveaux d'imbrication : ce n'est pas un questionnaire"


class RefusedYAML(yaml.YAMLError):
    """A YAML construct refused before anything is built from it; ``message`` is French."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


class PlainLoader(yaml.SafeLoader):
    """Safe YAML without anchors or aliases, and not nested deeper than MAX_YAML_DEPTH.

    An alias repeats a node without copying it: 600 bytes of nested aliases load in an
    instant, then become gigabytes as soon as they are saved or shown. Refusing every
    anchor and alias, before the node is composed, keeps a file as big as it looks."""

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise RefusedYAML(ALIAS_REFUSED, event.start_mark.line + 1)
        if self._depth >= MAX_YAML_DEPTH:
            raise RefusedYAML(DEPTH_REFUSED, event.start_mark.line + 1)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_plain_yaml(text: str):
    """``yaml.safe_load`` without aliases nor deep nesting (RefusedYAML, a YAMLError, says why)."""
    return yaml.load(text, Loader=PlainLoader)


class _LineLoader(PlainLoader):
    """A YAML loader that remembers the line of every mapping."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        mapping[_KEY_LINES] = {
            key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)
        }
        return mapping


def parse_text(text: str, filename: str = "questionnaire") -> Questionnaire:
    """Parse and validate the YAML text of one questionnaire."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except RefusedYAML as exc:
        raise QuestionnaireError([Problem(filename, exc.line, "", exc.message)]) from None
    except yaml.YAMLError as exc:
        line, reason = yaml_problem(exc, text)
        raise QuestionnaireError(
            [Problem(filename, line, "", f"le fichier n'est pas un YAML valide : {reason}")]
        ) from None
    except (ValueError, OverflowError):  # a date that does not exist (2024-02-30)
        raise QuestionnaireError(
            [
                Problem(
                    filename,
                    0,
                    "",
                    "le fichier n'est pas un YAML valide : une date impossible (mettez-la entre guillemets)",
                )
            ]
        ) from None
    return from_dict(data, filename)


# PyYAML's reasons, said in French (the first fragment that matches wins).
_YAML_REASONS = (
    ("mapping values are not allowed", "un « : » est mal placé (un texte qui contient « : » s'écrit entre guillemets)"),
    ("could not find expected ':'", "il manque un « : » après un nom de clé"),
    (
        "cannot start any token",
        "un caractère ne peut pas commencer une valeur (une tabulation ? indentez "
        "avec des espaces ; sinon mettez le texte entre guillemets)",
    ),
    ("expected <block end>", "les retraits en début de ligne ne sont pas réguliers"),
    ("expected ',' or ']'", "un crochet « [ » n'est pas refermé"),
    ("expected ',' or '}'", "une accolade « { » n'est pas refermée"),
    ("unexpected end of stream", "un guillemet n'est pas refermé"),
    ("unknown escape character", "un « \\ » entre guillemets doubles est suivi d'un caractère inattendu"),
    ("unhashable key", "une clé doit être un simple mot, pas une liste"),
    ("could not determine a constructor", "une étiquette « ! » inconnue est utilisée"),
    ("special characters are not allowed", "le texte contient un caractère de contrôle invisible"),
    ("expected a single document", "le fichier contient plusieurs documents (« --- ») : un seul est attendu"),
    ("tab", "une tabulation est utilisée : indentez avec des espaces"),
)


def yaml_problem(exc: yaml.YAMLError, text: str = "") -> tuple[int, str]:
    """(line, reason in French) for a PyYAML error, whose own words are English."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 0
    if not line and isinstance(getattr(exc, "position", None), int):  # ReaderError: a bad character
        line = text.count("\n", 0, exc.position) + 1
    english = " ".join(
        str(part)
        for part in (getattr(exc, "problem", None), getattr(exc, "context", None), getattr(exc, "reason", None))
        if part
    )
    for fragment, french in _YAML_REASONS:
        if fragment in english:
            return line, french
    return line, "erreur d'écriture (deux-points, tiret, retrait ou guillemet mal placé)"


def load_file(path: str | Path) -> Questionnaire:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QuestionnaireError([Problem(path.name, 0, "", "le fichier n'est pas en UTF-8")]) from None
    questionnaire = parse_text(text, path.name)
    if path.stem != questionnaire.id:
        raise QuestionnaireError(
            [
                Problem(
                    path.name,
                    1,
                    "",
                    f"l'identifiant « {questionnaire.id} » doit être le nom du fichier (« {path.stem} »)",
                )
            ]
        )
    return _replace_path(questionnaire, str(path))


def _replace_path(q: Questionnaire, path: str) -> Questionnaire:
    return replace(q, path=path)


def _text(value) -> str:
    return "" if value is None else str(_plain(value)).strip()


def from_dict(data, filename: str = "questionnaire") -> Questionnaire:
    """Validate a dict in the file format; raise QuestionnaireError with every problem."""
    problems: list[Problem] = []

    def problem(line, question, message):
        problems.append(Problem(filename, line or 0, question, message))

    if not isinstance(data, dict):
        raise QuestionnaireError(
            [Problem(filename, 1, "", "le fichier doit décrire un questionnaire (des clés comme id, title, questions)")]
        )
    top_line = data.get(_LINE, 1)
    for key in sorted(set(data) - _TOP_KEYS - _META, key=str):
        problem(top_line, "", f"la clé « {key} » est inconnue")
    for key in ("id", "title", "language", "intro", "purpose", "consent"):
        if isinstance(data.get(key), (dict, list)):
            problem(top_line, "", f"« {key} » doit être un texte, pas une liste")
    for key in ("id", "title", "version", "questions"):
        if key not in data:
            problem(top_line, "", f"la clé obligatoire « {key} » manque")

    qid = _text(data.get("id"))
    if "id" in data and not _QUESTIONNAIRE_ID.match(qid):
        problem(
            top_line, "", f"l'identifiant « {qid} » doit contenir seulement des minuscules, des chiffres et des tirets"
        )
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problem(top_line, "", "la version doit être un nombre entier à partir de 1")
        version = 1
    source = data.get("source") or {}
    if not isinstance(source, dict):
        problem(top_line, "", "la source doit indiquer « document » et « lines »")
        source = {}

    key_lines = data.get(_KEY_LINES, {})
    audience = _text(data.get("audience")) or DEFAULT_AUDIENCE
    if audience not in AUDIENCES:
        problem(
            key_lines.get("audience", top_line),
            "",
            f"« audience » doit valoir {' ou '.join(AUDIENCES)} (pas « {audience} »)",
        )
    allow_empty = data.get("allow_empty", False)
    if not isinstance(allow_empty, bool):
        problem(key_lines.get("allow_empty", top_line), "", "« allow_empty » doit valoir true ou false")

    raw_questions = data.get("questions") or []
    if "questions" in data and (not isinstance(raw_questions, list) or not raw_questions):
        problem(top_line, "", "la liste « questions » doit contenir au moins une question")
        raw_questions = []

    questions: list[Question] = []
    seen: dict[str, Question] = {}
    for index, raw in enumerate(raw_questions, 1):
        q = _question(raw, index, seen, problem)
        if q is not None:
            seen[q.id] = q
            questions.append(q)

    language = _text(data.get("language")) or "fr"
    translations = yaml_translations.read(data, language, top_line, lambda line, q, m: problem(line, q, m))
    if problems:
        raise QuestionnaireError(problems)
    questionnaire = Questionnaire(
        id=qid,
        title=_text(data["title"]),
        version=version,
        language=language,
        intro=_text(data.get("intro")),
        purpose=_text(data.get("purpose")),
        consent=_text(data.get("consent")),
        source=_clean(source),
        questions=tuple(questions),
        intro_with_volunteer=_text(data.get("intro_with_volunteer")),
        consent_with_volunteer=_text(data.get("consent_with_volunteer")),
        audience=audience,
        allow_empty=allow_empty,
    )
    checked = yaml_translations.checked(questionnaire, translations, lambda line, q, m: problem(line, q, m))
    if problems:
        raise QuestionnaireError(problems)
    return replace(questionnaire, translations=checked) if checked else questionnaire


def _clean(mapping: dict) -> dict:
    return _plain(mapping)


def _plain(value):
    """The value without the loader's line numbers, at every depth (they must never be saved),
    and made of what a JSON record can hold (a YAML date or set would fail the draft's write)."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(_plain(k)): _plain(v) for k, v in value.items() if k not in _META}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):  # a YAML !!set is built from a mapping: it had line keys
        return sorted((_plain(v) for v in value if v not in _META), key=str)
    if value is None or isinstance(value, (str, int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _question(raw, index, seen, problem) -> Question | None:
    if not isinstance(raw, dict):
        problem(0, f"n° {index}", "chaque question doit avoir des clés (id, type, label)")
        return None
    line = raw.get(_LINE, 0)
    qid = _text(raw.get("id"))
    name = qid or f"n° {index}"
    errors = []
    key_lines = raw.get(_KEY_LINES, {})

    def bad(message, key=None, line=None):
        errors.append(message)
        problem(line or key_lines.get(key, raw.get(_LINE, 0)), name, message)

    for key in sorted(set(raw) - _QUESTION_KEYS - _META, key=str):
        bad(f"la clé « {key} » est inconnue", key)
    for key in ("id", "type", "label", "help"):
        if isinstance(raw.get(key), (dict, list)):
            bad(f"« {key} » doit être un texte, pas une liste", key)
    if not qid:
        bad("l'identifiant (id) manque")
    elif not _ID.match(qid):
        bad("l'identifiant doit contenir seulement des minuscules, des chiffres, des tirets ou des « _ »")
    elif qid in seen:
        bad("cet identifiant est déjà utilisé par une autre question", "id")
    qtype = _text(raw.get("type"))
    if qtype not in TYPES:
        bad(f"le type « {qtype} » est inconnu (types possibles : {', '.join(TYPES)})", "type")
    label = _text(raw.get("label"))
    if not label:
        bad("le libellé (label) manque")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        bad("« required » doit valoir true ou false", "required")
        required = False
    if qtype == "note" and required:
        bad("un texte d'information (note) ne peut pas être obligatoire")

    choices: list[Choice] = []
    raw_choices = raw.get("choices")
    if qtype in CHOICE_TYPES:
        if not isinstance(raw_choices, list) or not raw_choices:
            bad("une question à choix doit avoir une liste « choices »")
        else:
            for c in raw_choices:
                if not isinstance(c, dict) or not _text(c.get("value")) or not _text(c.get("label")):
                    bad("chaque choix doit avoir une valeur (value) et un libellé (label)", "choices")
                    continue
                value = _text(c["value"])
                if not _ID.match(value):
                    bad(
                        f"la valeur de choix « {value} » doit contenir seulement des minuscules, "
                        "des chiffres, des tirets ou des « _ »"
                    )
                elif value == OTHER_VALUE:
                    bad("la valeur « autre » est réservée : utilisez « other: true »")
                elif any(ch.value == value for ch in choices):
                    bad(f"la valeur de choix « {value} » apparaît deux fois")
                exclusive = c.get("exclusive", False)
                if not isinstance(exclusive, bool):
                    bad(f"« exclusive » du choix « {value} » doit valoir true ou false", "choices")
                    exclusive = False
                elif exclusive and qtype != "multiple_choice":
                    bad(
                        f"le choix « {value} » ne peut être « exclusive » que dans une question "
                        "à choix multiple (multiple_choice)",
                        "choices",
                    )
                picto = _picto(c, value, bad)
                choices.append(Choice(value, _text(c["label"]), exclusive, picto))
    elif raw_choices is not None:
        bad("seules les questions à choix (single_choice, multiple_choice) ont des « choices »")
    other = raw.get("other", False)
    if other and qtype not in CHOICE_TYPES:
        bad("« other » ne s'applique qu'aux questions à choix")

    bounds = {}
    for key in ("min", "max"):
        value = raw.get(key)
        if value is not None and (qtype != "number" or not isinstance(value, int) or isinstance(value, bool)):
            bad(f"« {key} » doit être un nombre entier, et seulement pour une question « number »", key)
            value = None
        bounds[key] = value
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        bad("« min » doit être plus petit que « max »")

    scale_labels = DEFAULT_SCALE_LABELS
    if raw.get("scale_labels") is not None:
        labels = raw["scale_labels"]
        if qtype != "scale" or not isinstance(labels, list) or len(labels) != 5 or not all(_text(x) for x in labels):
            bad("« scale_labels » doit donner exactement 5 mots, pour une question « scale »")
        else:
            scale_labels = tuple(_text(x) for x in labels)

    voice = raw.get("voice", False)
    if not isinstance(voice, bool):
        bad("« voice » doit valoir true ou false", "voice")
        voice = False
    elif voice and qtype not in OPEN_TYPES:
        bad("« voice » ne s'applique qu'aux questions à réponse libre (short_text, long_text)", "voice")

    show_if = None
    raw_show = raw.get("show_if")
    if raw_show is not None:
        show_if = _show_if(raw_show, seen, lambda message: bad(message, "show_if"))

    source = raw.get("source") or {}
    if not isinstance(source, dict):
        bad("la source doit indiquer « lines » (et « derived: true » si la question est de nous)")
        source = {}

    if errors:
        return None
    return Question(
        id=qid,
        type=qtype,
        label=label,
        help=_text(raw.get("help")),
        required=required,
        choices=tuple(choices),
        other=bool(other),
        min=bounds["min"],
        max=bounds["max"],
        scale_labels=scale_labels,
        show_if=show_if,
        source=_clean(source),
        line=line,
        voice=voice,
    )


def _picto(raw_choice: dict, value: str, bad) -> str:
    """The choice's pictogram name, checked against the drawings shipped (``pictograms``);
    a problem names the choice's line."""
    if raw_choice.get("picto") in (None, ""):
        return ""
    name = _text(raw_choice["picto"])
    if not pictograms.exists(name):
        near = [n for n in pictograms.catalogue() if n.startswith(name[:3])][:5]
        hint = f" (proches : {', '.join(near)})" if near else ""
        line = raw_choice.get(_KEY_LINES, {}).get("picto") or raw_choice.get(_LINE)
        bad(
            f"le pictogramme « {name} » du choix « {value} » n'existe pas{hint} : "
            "la liste des pictogrammes est dans printables/art/pictos/README.md",
            line=line,
        )
        return ""
    return name


def _show_if(raw, seen: dict[str, Question], bad) -> ShowIf | None:
    if not isinstance(raw, dict) or "question" not in raw or "equals" not in raw:
        bad("« show_if » doit indiquer « question » et « equals »")
        return None
    target_id = _text(raw["question"])
    target = seen.get(target_id)
    if target is None:
        bad(f"« show_if » renvoie à « {target_id} », qui n'est pas une question placée avant celle-ci")
        return None
    wanted = raw["equals"]
    values = tuple(_text(v) for v in (wanted if isinstance(wanted, list) else [wanted]))
    allowed = {c.value for c in target.options}
    if not allowed:
        bad(
            f"« show_if » doit renvoyer à une question à choix, oui/non ou échelle (« {target_id} » "
            f"est de type {TYPES[target.type]})"
        )
        return None
    for value in values:
        if value not in allowed:
            bad(
                f"« show_if » attend « {value} », qui n'est pas une réponse possible de « {target_id} » "
                f"({', '.join(sorted(allowed))})"
            )
            return None
    return ShowIf(target_id, values)


def load_library(*folders: str | Path) -> Library:
    """Every questionnaire of these folders; a later folder wins for the same id
    (the shipped ones first, then those edited in the browser)."""
    found: dict[str, Questionnaire] = {}
    problems: list[Problem] = []
    paths = [path for folder in folders for path in sorted(Path(folder).glob("*.y*ml"))]
    for path in paths:
        try:
            q = load_file(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        found[q.id] = q
    return Library(found, problems)
