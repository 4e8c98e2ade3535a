"""The loader's problems in the editor's words: questions, choices, codes, conditions.

The loader (``formats/yaml_files.py``) speaks of the file (« la liste "choices" »,
« label »), which is right for ``survey check`` and for someone who edits YAML. The
editor's users never see the file: its pages show the same problems with the words of
its own fields. A message this module does not know yet (a new check) still loses its
file keys (``_KEYS``).
"""

from __future__ import annotations

import re

from .model.questionnaire import TYPES, Problem

NO_QUESTION = "ajoutez au moins une question"

# The file's keys as the editor names them.
_KEYS = {
    "choices": "liste de choix",
    "label": "texte",
    "value": "code",
    "show_if": "condition",
    "equals": "réponse attendue",
    "question": "question",
    "other": "« Autre : précisez »",
    "required": "réponse obligatoire",
    "min": "au moins",
    "max": "au plus",
    "scale_labels": "mots de l'échelle",
    "help": "aide",
    "id": "identifiant",
    "type": "type de réponse",
    "title": "titre",
    "version": "version",
    "questions": "questions",
    "intro": "introduction",
    "purpose": "à quoi servira votre réponse",
    "consent": "vos données et vos droits",
    "source": "source",
    "language": "langue",
    "exclusive": "exclusif",
    "lines": "lignes",
    "document": "document",
    "derived": "question ajoutée",
    "audience": "public",
    "allow_empty": "réponse vide permise",
    "intro_with_volunteer": "introduction avec un ou une bénévole",
    "consent_with_volunteer": "vos données et vos droits, avec un ou une bénévole",
}
_MISSING = {
    "id": "l'identifiant du questionnaire manque",
    "title": "le titre du questionnaire manque",
    "version": "le numéro de version manque",
    "questions": NO_QUESTION,
}


def _type_names(match: re.Match) -> str:
    return f"le type de réponse « {match.group(1)} » est inconnu (types possibles : {', '.join(TYPES.values())})"


# (loader's message, editor's message): the first that matches wins.
_PLAIN = [
    (r"la clé obligatoire « (\w+) » manque", lambda m: _MISSING.get(m.group(1), m.group(0))),
    (r"la clé « ([^»]+) » est inconnue", r"« \1 » n'est pas une information connue (vérifiez son orthographe)"),
    (r"la liste « questions » doit contenir au moins une question", NO_QUESTION),
    (r"le fichier doit décrire un questionnaire.*", "ce fichier ne décrit pas un questionnaire"),
    (r"le fichier n'est pas un YAML valide : (.*)", r"ce fichier est mal écrit : \1"),
    (r"le fichier n'est pas un YAML valide.*", "ce fichier est mal écrit : sa mise en forme ne se lit pas"),
    (r"chaque question doit avoir des clés.*", "cette question est vide : donnez-lui un texte et un type de réponse"),
    (r"l'identifiant \(id\) manque", "l'identifiant de la question manque"),
    (r"le type « ([^»]*) » est inconnu.*", _type_names),
    (r"le libellé \(label\) manque", "écrivez le texte de la question"),
    (r"« required » doit valoir true ou false", "« Réponse obligatoire » doit être cochée ou non"),
    (
        r"« exclusive » du choix « ([^»]*) » doit valoir true ou false",
        r"le choix « \1 » est exclusif ou non : rien d'autre",
    ),
    (
        r"le choix « ([^»]*) » ne peut être « exclusive » que dans une question à choix multiple.*",
        r"le choix « \1 » ne peut être exclusif que dans une question à choix multiple",
    ),
    (r"« (\w+) » doit valoir true ou false", lambda m: f"« {_KEYS.get(m.group(1), m.group(1))} » doit être oui ou non"),
    (
        r"un texte d'information \(note\) ne peut pas être obligatoire",
        "un texte d'information (sans réponse) ne peut pas être obligatoire",
    ),
    (r"une question à choix doit avoir une liste « choices »", "ajoutez au moins un choix à cette question"),
    (r"chaque choix doit avoir une valeur \(value\) et un libellé \(label\)", "chaque choix doit avoir un texte"),
    (
        r"la valeur de choix « ([^»]*) » doit contenir seulement (.*)",
        r"le code du choix « \1 » doit contenir seulement \2",
    ),
    (
        r"la valeur « autre » est réservée.*",
        "le code « autre » est réservé : cochez plutôt « Ajouter “Autre : précisez” »",
    ),
    (
        r"la valeur de choix « ([^»]*) » apparaît deux fois",
        r"deux choix ont le même code « \1 » : changez l'un des deux",
    ),
    (r"seules les questions à choix .* ont des « choices »", "seules les questions à choix ont une liste de choix"),
    (
        r"« other » ne s'applique qu'aux questions à choix",
        "« Autre : précisez » n'existe que pour les questions à choix",
    ),
    (
        r"« min » doit être un nombre entier.*",
        "« Au moins » doit être un nombre entier, et seulement pour une question de type nombre",
    ),
    (
        r"« max » doit être un nombre entier.*",
        "« Au plus » doit être un nombre entier, et seulement pour une question de type nombre",
    ),
    (r"« min » doit être plus petit que « max »", "« Au moins » doit être plus petit que « Au plus »"),
    (r"« scale_labels » doit donner exactement 5 mots.*", "l'échelle doit avoir ses 5 mots, tous remplis"),
    (
        r"« show_if » doit indiquer « question » et « equals »",
        "la condition (« Quand poser cette question ? ») est incomplète",
    ),
    (
        r"« show_if » renvoie à « ([^»]*) », qui n'est pas une question placée avant celle-ci",
        r"la condition renvoie à la question « \1 », qui n'est pas placée avant celle-ci : "
        r"déplacez-la ou choisissez « Toujours »",
    ),
    (
        r"« show_if » doit renvoyer à une question à choix, oui/non ou échelle \(« ([^»]*) » est de type (.*)\)",
        r"la condition doit porter sur une question à choix, oui/non ou échelle (« \1 » est de type \2)",
    ),
    (
        r"« show_if » attend « ([^»]*) », qui n'est pas une réponse possible de « ([^»]*) ».*",
        r"la condition attend la réponse « \1 », que la question « \2 » ne propose pas",
    ),
    (
        r"la source doit indiquer « document » et « lines »",
        "la source du questionnaire (document et lignes) est mal décrite",
    ),
    (r"la source doit indiquer « lines ».*", "la source de la question (lignes du document) est mal décrite"),
]
_PLAIN = [(re.compile(f"^{pattern}$", re.S), replacement) for pattern, replacement in _PLAIN]
_QUOTED_KEY = re.compile(r"« (\w+)(?:: \w+)? »")
_KEY_IN_BRACKETS = re.compile(r" \((?:" + "|".join(_KEYS) + r")\)")


def plain(message: str) -> str:
    """One loader message in the editor's words (lower case first, as the loader's)."""
    for pattern, replacement in _PLAIN:
        match = pattern.match(message)
        if match:
            message = replacement(match) if callable(replacement) else match.expand(replacement)
            break
    else:
        message = _KEY_IN_BRACKETS.sub("", message)
        message = _QUOTED_KEY.sub(lambda m: f"« {_KEYS.get(m.group(1), m.group(1))} »", message)
        message = message.replace("la clé ", "l'information ").replace("des clés", "des informations")
    return message


def plain_problem(problem: Problem, with_file: bool = False) -> str:
    """For a file shown in the editor (an import): « Ligne 6, question « equipe » : … »."""
    where = [problem.file] if with_file and problem.file else []
    if problem.line:
        where.append(f"ligne {problem.line}")
    if problem.question:
        where.append(f"question « {problem.question} »")
    text = plain(problem.message)
    return f"{', '.join(where)} : {text}" if where else text
