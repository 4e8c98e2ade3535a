"""The language a respondent reads: the interface's catalogs (Flask-Babel, domain ``messages``)
and the questionnaire's translations, chosen per page.

- ``?lang=xx`` (a link, a bilingual poster's QR code, the picker on the form) opens a form in
  one of its questionnaire's languages; the form carries it in a hidden field to its next
  screens and to the thank-you page.
- A new answer starts in the questionnaire's reference language, unless the tablet's volunteer
  said on « Avant de commencer » to keep the language chosen for the next person
  (``keep_language``): then the last language picked on this tablet is kept.
- The interface's words come from ``survey/translations/<xx>/LC_MESSAGES/messages.po``,
  compiled in memory (``survey/catalogs.py``); a language a questionnaire offers without a
  catalog shows its questions translated and the interface in French.
- The coordinator space stays in French whatever is asked (not translated).
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale, get_translations, gettext, refresh
from werkzeug.exceptions import HTTPException

from .. import catalogs
from ..catalogs import N_
from ..model.questionnaire import Questionnaire
from ..model.translations import direction, in_language, own_name
from .access import load_campaign, services

LANG_ARG = "lang"
DOMAIN = "messages"
# Pages of the team and of the coordinator that stay in French (issue 16: out of scope).
FRENCH_ONLY = (
    "coordination.",
    "editor",
    "exports.",
    "auth.",
    "terrain.",
    "printing.",
    "corrections.",
    "handover.",
    "help.",
)
# Texts of the model a respondent reads, marked here for ``pybabel extract`` (the model imports
# nothing of the catalogs); tests/web/test_languages.py checks they are still the model's words.
MODEL_TEXTS = (
    N_("Une phrase de votre réponse peut être citée, sans votre nom, dans le compte rendu de la campagne."),
    N_("Pour les habitants"),
    N_("Pour les professionnels"),
    N_("Tablette (avec un ou une bénévole)"),
    N_("QR code (la personne répond seule)"),
    N_("Porte-à-porte"),
    N_("Post-it"),
    N_("Questionnaire papier"),
    N_("Porteur de parole"),
)
KEEP_KEY = "keep_language"  # campaign id -> True: the tablet's volunteer keeps the language
KEPT_KEY = "kept_language"  # campaign id -> the language last picked on this tablet


class SourceCatalogs(Domain):
    """Flask-Babel's domain, fed the ``.po`` files compiled in memory (no ``.mo`` on disk)."""

    def get_translations(self):
        """The page's catalog, looked up once per request (a page says a few dozen messages;
        ``catalogs.translations`` checks the file each time it is asked)."""
        if not has_request_context():
            return catalogs.NullTranslations()
        language = str(get_locale() or catalogs.SOURCE_LANGUAGE)
        found = g.get("survey_translations")
        if found is None or found[0] != language:
            found = g.survey_translations = (language, catalogs.translations(language, self.domain[0]))
        return found[1]


class SurveyBabel(Babel):
    @property
    def domain_instance(self):  # type: ignore[override]  # one domain for every app
        return _DOMAIN


_DOMAIN = SourceCatalogs(domain=DOMAIN)


def interface_languages() -> list[str]:
    """The languages the interface has a catalog for, French first."""
    return catalogs.languages(DOMAIN)


def _asked() -> str | None:
    """``lang`` of the address, else of the posted form (as ``request.values`` would: the
    address first), so that a form too big to read still gets its 413 page in the address's
    language."""
    value = request.args.get(LANG_ARG)
    if not value:
        try:
            value = request.form.get(LANG_ARG)
        except HTTPException:  # a posted form too big to read: no language in it
            return None
    return value.strip().lower()[:12] if isinstance(value, str) and value.strip() else None


def select_locale() -> str:
    """The page's language: the one a view chose (``use_language``), else ``?lang=`` when the
    interface has it, else French. The coordinator space is always French."""
    chosen = g.get("page_language")
    if chosen:
        return chosen if _is_locale(chosen) else catalogs.SOURCE_LANGUAGE
    endpoint = request.endpoint or ""
    if endpoint.startswith(FRENCH_ONLY):
        return catalogs.SOURCE_LANGUAGE
    asked = _asked()
    return asked if asked in interface_languages() else catalogs.SOURCE_LANGUAGE


def _is_locale(code: str) -> bool:
    """Babel knows the language (its plural rules, numbers, dates): a questionnaire may declare a
    code it does not (``zz``); its page is then said to be in it, with French rules and words."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def use_language(code: str) -> None:
    """This request's pages speak ``code`` (a view decided it: a questionnaire's language)."""
    g.page_language = code
    refresh()  # Flask-Babel keeps the first locale it computed for the request


def keeps_language(campaign_id: str) -> bool:
    return bool((session.get(KEEP_KEY) or {}).get(campaign_id))


def set_keep_language(campaign_id: str, keep: bool) -> None:
    """The tablet's volunteer's setting (« Avant de commencer »)."""
    kept = dict(session.get(KEEP_KEY) or {})
    if keep:
        kept[campaign_id] = True
    else:
        kept.pop(campaign_id, None)
        languages = dict(session.get(KEPT_KEY) or {})
        if languages.pop(campaign_id, None) is not None:
            session[KEPT_KEY] = languages
    session[KEEP_KEY] = kept


def respondent_language(campaign_id: str, questionnaire: Questionnaire) -> str:
    """The language this form page is in (one its questionnaire offers), and the request's pages
    with it: ``?lang=``/the carried field, else the tablet's kept language when its volunteer
    keeps it, else the questionnaire's reference language."""
    offered = questionnaire.languages
    asked = _asked()
    keep = keeps_language(campaign_id)
    if asked in offered:
        code = asked
        if keep and (session.get(KEPT_KEY) or {}).get(campaign_id) != code:
            session[KEPT_KEY] = {**(session.get(KEPT_KEY) or {}), campaign_id: code}
    else:
        kept = (session.get(KEPT_KEY) or {}).get(campaign_id) if keep else None
        code = kept if kept in offered else questionnaire.language
    use_language(code)
    return code


def questionnaire_in(svc, questionnaire: Questionnaire, code: str) -> Questionnaire:
    """``in_language``, kept per version and language beside the form classes, so that the
    pages rendered once per questionnaire (``public.pristine_questions``) stay rendered once."""
    if code == questionnaire.language:
        return questionnaire
    key = ("in-language", questionnaire.id, questionnaire.version, code)
    kept = svc.form_classes.get(key)
    if kept is None or kept[0] is not questionnaire:
        kept = svc.form_classes[key] = (questionnaire, in_language(questionnaire, code))
    return kept[1]


def language_links(questionnaire: Questionnaire, current: str, url_for_language) -> list[dict]:
    """The picker: each language the questionnaire offers, named in its own words, with the
    address that opens the form in it (``url_for_language(code)``)."""
    return [
        {
            "code": code,
            "name": own_name(code),
            "dir": direction(code),
            "url": url_for_language(code),
            "current": code == current,
        }
        for code in questionnaire.languages
    ]


def _page_context() -> dict:
    code = g.get("page_language") or str(get_locale() or catalogs.SOURCE_LANGUAGE)
    return {"page_language": code, "page_direction": direction(code)}


def add_hooks(app) -> None:
    # Dates and numbers of the pages follow the language (Babel's filters: format_date…).
    SurveyBabel(
        app,
        default_locale=catalogs.SOURCE_LANGUAGE,
        default_domain=DOMAIN,
        default_timezone=app.config["TIMEZONE"],
        locale_selector=select_locale,
    )
    app.context_processor(_page_context)


def campaign_in_language(campaign_id: str):
    """(campaign, its questionnaire as stored, the questionnaire in the respondent's language,
    that language) for the pages a respondent reads; the request's pages speak it."""
    campaign, reference = load_campaign(campaign_id)
    code = respondent_language(campaign.id, reference)
    return campaign, reference, questionnaire_in(services(), reference, code), code


def language_arg(questionnaire: Questionnaire, reference: Questionnaire) -> dict:
    """``{"lang": code}`` for a link that must stay in a language other than the reference."""
    return {LANG_ARG: questionnaire.language} if questionnaire.language != reference.language else {}


def _plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A message with a count, per plural category of the page's language (CLDR: ``one``,
    ``two``, ``few``…), for a script that picks it with ``Intl.PluralRules``; ``%(num)s`` left
    for the script to fill."""
    locale = get_locale()
    translations = get_translations()
    forms: dict[str, str] = {}
    for n in range(0, 200):
        category = locale.plural_form(n) if locale is not None else ("one" if n <= 1 else "other")
        if category not in forms:
            forms[category] = translations.ungettext(singular, plural, n)
    return forms


PAGE_WORDS_KEPT = 64  # (language, kiosk, catalog) entries: a few languages, two kinds of page


def page_words(kiosk: bool = False) -> dict:
    """What the form's scripts say (read-aloud, exclusive choices, the offline queue), in the
    page's language. The page gives them as one ``data-words`` attribute: no inline script (CSP).
    A kiosk has no « Exporter la file » button: its words do not send anyone to it.

    Made once per language and catalog, kept by the app: working out the plural forms asks
    the language's plural rules for 200 numbers, a third of a form page's time if done per page.
    The catalog object is part of the key (``catalogs`` gives a new one when its file changes)."""
    language, translations = str(get_locale() or catalogs.SOURCE_LANGUAGE), get_translations()
    kept = current_app.extensions.setdefault("survey_page_words", {})
    key = (language, kiosk, translations)
    words = kept.get(key)
    if words is None:
        if len(kept) >= PAGE_WORDS_KEPT:
            kept.clear()
        words = kept[key] = _page_words(kiosk)
    return words


def _page_words(kiosk: bool) -> dict:
    words = {
        "lang": str(get_locale() or catalogs.SOURCE_LANGUAGE),
        "listen": gettext("Écouter la question"),
        "stop": gettext("Arrêter la lecture"),
        "noVoice": gettext("Pas de voix française sur cet appareil : lecture impossible"),
        "choices": gettext("Réponses possibles : %(choices)s", choices="%(choices)s"),
        "othersUnticked": gettext("« %(label)s » : les autres réponses sont décochées.", label="%(label)s"),
        "unticked": gettext("« %(label)s » est décoché.", label="%(label)s"),
        "pending": _plural_forms("%(num)s réponse en attente d'envoi", "%(num)s réponses en attente d'envoi"),
        "noneWaiting": gettext("Aucune réponse en attente d'envoi."),
        "aside": _plural_forms(
            "%(num)s réponse n'a pas pu être enregistrée par le serveur : elle reste sur cette tablette.",
            "%(num)s réponses n'ont pas pu être enregistrées par le serveur : elles restent sur cette tablette.",
        ),
        "asideExport": gettext("Touchez « Exporter la file » et donnez le fichier à la coordination."),
        "retry": gettext("Nouvel essai automatique dans un moment."),
        "noLink": gettext("Pas de connexion avec l'ordinateur qui reçoit les réponses."),
        "serverCode": gettext("Le serveur n'a pas pu enregistrer (code %(code)s).", code="%(code)s"),
        "noMemory": gettext("La mémoire de la tablette n'est pas disponible."),
    }
    if kiosk:
        del words["asideExport"]
    return words
