"""Safe versions: an edit never changes what existing answers meant.

Rules (issue 8):
- saving a questionnaire whose current version already has answers makes a new
  version (number + 1); the old definition is kept as a snapshot
  (``survey.services.snapshots``, ``Services.versions``) so old answers
  still display and export;
- a question id keeps its meaning: once answered, its type cannot change to an
  incompatible one and a choice value cannot take another meaning; the editor
  asks for a new id instead (in French);
- a version cannot be deleted while answers use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from ..formats.yaml_files import from_dict
from ..model.errors import SurveyError
from ..model.questionnaire import CHOICE_TYPES, TYPES, Problem, Questionnaire, QuestionnaireError
from . import questionnaire_files as files
from .snapshots import forget_snapshot, keep_snapshot, snapshots

if TYPE_CHECKING:
    from . import Services

# Type changes that keep the stored value meaningful (a text stays a text).
COMPATIBLE_TYPES = {("short_text", "long_text"), ("long_text", "short_text")}
# Below this likeness, a choice label says something else: a new meaning.
SAME_MEANING = 0.5


class SaveRefused(SurveyError, ValueError):
    """The questionnaire cannot be saved as it is; ``problems`` say why, in French."""

    status = 422

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems))


@dataclass
class Saved:
    questionnaire: Questionnaire
    new_version: bool  # True when the previous version was kept for its answers
    message: str  # what happened, for the coordinator


def campaigns_using(svc: Services, questionnaire_id: str) -> list:
    return [c for c in svc.campaigns.all() if c.questionnaire == questionnaire_id]


def answer_total(svc: Services, questionnaire_id: str) -> int:
    """Answers of every campaign that uses this questionnaire (cheap: counts only)."""
    return sum(svc.answers.count(c.id) for c in campaigns_using(svc, questionnaire_id))


def version_counts(svc: Services, questionnaire_id: str) -> Counter:
    """How many answers each version has (reads the answers: only when it matters)."""
    counts: Counter = Counter()
    if not answer_total(svc, questionnaire_id):
        return counts
    for campaign in campaigns_using(svc, questionnaire_id):
        for answer in svc.answers.iter_answers(campaign.id):
            if answer.get("questionnaire", questionnaire_id) == questionnaire_id:
                counts[answer.get("version", 1)] += 1
    return counts


def definition_for(svc: Services, questionnaire_id: str, version: Any) -> Questionnaire | None:
    """The definition an answer was given under: its snapshot, else the current one."""
    current = svc.library.get(questionnaire_id)
    if current is not None and current.version == version:
        return current
    for q in snapshots(svc, questionnaire_id):
        if q.version == version:
            return q
    return current


def answered_definitions(svc: Services, questionnaire_id: str) -> list[Questionnaire]:
    """Definitions that answers were given under: the kept versions, and the current one
    when its questionnaire has answers."""
    if not answer_total(svc, questionnaire_id):
        return []
    found = snapshots(svc, questionnaire_id)
    current = svc.library.get(questionnaire_id)
    if current is not None:
        found.append(current)
    return found


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def same_meaning(old_label: str, new_label: str) -> bool:
    """A reworded label (accents, a typo, a few words) keeps its meaning; another label does not."""
    a, b = _fold(old_label), _fold(new_label)
    return a == b or SequenceMatcher(None, a, b).ratio() >= SAME_MEANING


def meaning_problems(old_versions: list[Questionnaire], new: Questionnaire, filename: str) -> list[Problem]:
    """Questions of ``new`` whose id already has answers that meant something else."""
    problems = []
    for q in new.questions:
        for old in old_versions:
            before = old.question(q.id)
            if before is None or not before.answerable:
                continue
            if before.type != q.type and (before.type, q.type) not in COMPATIBLE_TYPES:
                problems.append(
                    Problem(
                        filename,
                        0,
                        q.id,
                        f"des réponses existent déjà pour « {q.id} » en « {TYPES[before.type]} » (version "
                        f"{old.version}) : changer le type changerait le sens de ces réponses. Gardez le type "
                        f"« {TYPES[before.type]} », ou donnez un nouvel identifiant à cette question.",
                    )
                )
                break
            if before.type in CHOICE_TYPES and q.type in CHOICE_TYPES:
                new_labels = {c.value: c.label for c in q.choices}
                changed = [
                    c
                    for c in before.choices
                    if c.value in new_labels and not same_meaning(c.label, new_labels[c.value])
                ]
                if changed:
                    c = changed[0]
                    problems.append(
                        Problem(
                            filename,
                            0,
                            q.id,
                            f"des réponses existent déjà avec le choix « {c.value} » = « {c.label} » (version "
                            f"{old.version}) : il ne peut pas devenir « {new_labels[c.value]} ». Donnez un nouvel "
                            "identifiant à cette question (ou une nouvelle valeur à ce choix), ou gardez le sens.",
                        )
                    )
                    break
    return problems


def _same_content(a: dict, b: dict) -> bool:
    return {**a, "version": 0} == {**b, "version": 0}


def save(svc: Services, data: dict, *, base_id: str | None, base_version: int | None) -> Saved:
    """Validate and write a questionnaire from the editor or an import.

    ``base_id``/``base_version``: the questionnaire version the edit started from
    (None for a new one). Raises SaveRefused with French problems.
    """
    filename = f"{data.get('id') or 'questionnaire'}.yaml"
    try:
        candidate = from_dict({**data, "version": 1}, filename)
    except QuestionnaireError as exc:
        raise SaveRefused(exc.problems) from None
    with files.writing(svc):
        svc.reload_library()  # another worker or the CLI may have written meanwhile
        current = svc.library.get(candidate.id)
        if base_id is None and current is not None:
            raise SaveRefused(
                [
                    Problem(
                        filename,
                        0,
                        "",
                        (
                            f"un questionnaire « {candidate.id} » existe déjà. Choisissez un autre identifiant, par exemple "
                            f"« {files.free_id(svc, candidate.id)} »."
                        ),
                    )
                ]
            )
        if base_id is not None and base_id != candidate.id:
            raise SaveRefused(
                [
                    Problem(
                        filename,
                        0,
                        "",
                        "l'identifiant d'un questionnaire existant ne change pas : "
                        "faites-en une copie pour lui donner un autre identifiant.",
                    )
                ]
            )
        if current is not None and base_version is not None and current.version != base_version:
            raise SaveRefused(
                [
                    Problem(
                        filename,
                        0,
                        "",
                        (
                            f"ce questionnaire a été modifié entre-temps (il est maintenant en version {current.version}). "
                            "Votre brouillon est gardé : ouvrez la nouvelle version, puis refaites vos changements."
                        ),
                    )
                ]
            )
        problems = meaning_problems(answered_definitions(svc, candidate.id), candidate, filename)
        if problems:
            raise SaveRefused(problems)
        kept = snapshots(svc, candidate.id)
        if current is None:
            version = max([q.version for q in kept], default=0) + 1
            new_version = False
        else:
            if _same_content(candidate.to_dict(), current.to_dict()):
                return Saved(current, False, "Aucun changement à enregistrer.")
            counts = version_counts(svc, candidate.id)
            if counts.get(current.version):
                keep_snapshot(svc, current)
                version = max([current.version, *counts, *(q.version for q in kept)]) + 1
                new_version = True
            else:
                version = current.version
                new_version = False
                if any(q.version == version for q in kept):
                    forget_snapshot(svc, candidate.id, version)  # no answer uses it any more
        final = {**candidate.to_dict(), "version": version}
        files.write_file(svc, final)
    saved = svc.library.get(candidate.id)
    if saved is None:  # the file could not be read back: say it rather than pretend
        raise SaveRefused(svc.library.problems or [Problem(filename, 0, "", "le fichier enregistré est illisible")])
    if new_version and current is not None:
        message = (
            f"Enregistré en version {version}. Les {counts[current.version]} réponse(s) déjà reçues "
            f"gardent la version {current.version}."
        )
    elif current is None:
        message = f"Questionnaire « {saved.title} » enregistré (version {version})."
    else:
        message = f"Enregistré (version {version} : elle n'avait pas encore de réponse)."
    return Saved(saved, new_version, message)


class DeleteRefused(SurveyError, ValueError):
    """A French reason why a version cannot be deleted."""

    status = 422


def delete_version(svc: Services, questionnaire_id: str, version: int) -> str:
    """Delete a version no answer uses; returns what happened, in French."""
    with files.writing(svc):
        svc.reload_library()
        current = svc.library.get(questionnaire_id)
        kept = {q.version: q for q in snapshots(svc, questionnaire_id)}
        if (current is None or current.version != version) and version not in kept:
            raise DeleteRefused(f"La version {version} de ce questionnaire n'existe pas.")
        used = version_counts(svc, questionnaire_id).get(version, 0)
        if used:
            raise DeleteRefused(
                f"Impossible de supprimer la version {version} : {used} réponse"
                f"{'s l' if used > 1 else ' l'}'utilise{'nt' if used > 1 else ''}. "
                "Les réponses gardent toujours la version sous laquelle elles ont été données."
            )
        if current is None or current.version != version:
            forget_snapshot(svc, questionnaire_id, version)
            return f"Version {version} supprimée."
        edited = files.edited_path(svc, questionnaire_id)
        if current.path != str(edited):
            raise DeleteRefused(
                "Ce questionnaire est fourni avec l'outil : il ne peut pas être supprimé. "
                "Vous pouvez le copier pour en faire un autre."
            )
        older = [q for v, q in sorted(kept.items()) if v < version]
        if older:
            files.write_file(svc, older[-1].to_dict())
            forget_snapshot(svc, questionnaire_id, version)
            return f"Version {version} supprimée : la version {older[-1].version} redevient la version en cours."
        if files.shipped_path(svc, questionnaire_id):
            files.remove_file(svc, questionnaire_id)
            forget_snapshot(svc, questionnaire_id, version)
            return f"Version {version} supprimée : la version fournie avec l'outil redevient la version en cours."
        users = campaigns_using(svc, questionnaire_id)
        if users:
            raise DeleteRefused(
                f"La campagne « {users[0].title} » utilise ce questionnaire : choisissez-lui "
                "d'abord un autre questionnaire, puis supprimez celui-ci."
            )
        files.remove_file(svc, questionnaire_id)
        forget_snapshot(svc, questionnaire_id, version)
        return "Questionnaire supprimé."
