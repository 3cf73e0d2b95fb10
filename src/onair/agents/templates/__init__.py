"""Per-language data for rules-written scripts: templates, numbers, time, vocabulary."""

from __future__ import annotations

from onair.agents.templates.base import SITUATIONS, ScriptLanguage
from onair.agents.templates.de import GERMAN
from onair.agents.templates.en import ENGLISH
from onair.agents.templates.es import SPANISH
from onair.agents.templates.fr import FRENCH
from onair.agents.templates.it import ITALIAN
from onair.agents.templates.pt import PORTUGUESE

__all__ = ["LANGUAGES", "SITUATIONS", "ScriptLanguage", "language_for"]

LANGUAGES: dict[str, ScriptLanguage] = {
    lang.code: lang for lang in (ENGLISH, SPANISH, FRENCH, GERMAN, PORTUGUESE, ITALIAN)
}


def language_for(tag: str) -> ScriptLanguage | None:
    """The templates for a BCP 47 tag ("es-MX" falls back to "es"), or None."""
    primary = tag.replace("_", "-").split("-")[0].casefold()
    return LANGUAGES.get(primary)
