"""Which writing systems a language's voice reads, and which a script is written in.

A voice asked to read letters its language does not write in either spells
them out, switches to another voice mid-link, or says nothing: none of that
may air. The synthesizers check a script against this table first and refuse
it with ``UnspeakableText`` naming the foreign writing system.

Latin letters are accepted in every language: artist, title and station names
are written in Latin the world over, and every eSpeak NG voice reads them.
"""

from __future__ import annotations

import unicodedata

from onair.agents.errors import UnspeakableText

__all__ = ["check_speakable", "script_of", "scripts_in", "writing_systems_of"]

_LATIN = "Latin"

# fmt: off
_LATIN_ONLY = (
    "af", "an", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "et", "eu", "fi", "fo", "fr",
    "ga", "gd", "gn", "haw", "hr", "ht", "hu", "ia", "id", "io", "is", "it", "jbo", "kl", "ku",
    "la", "lb", "lfn", "lt", "ltg", "lv", "mi", "ms", "mt", "mto", "nb", "nci", "nl", "no", "om",
    "pap", "pl", "pt", "py", "qdb", "qu", "quc", "ro", "sk", "sl", "smj", "sq", "sv", "sw", "tk",
    "tn", "tr", "vi", "xex",
)
# fmt: on

# Writing systems besides Latin, by language tag (a full tag wins over its primary subtag).
_WRITES_IN: dict[str, frozenset[str]] = {
    tag: frozenset(scripts)
    for tags, scripts in (
        (_LATIN_ONLY, ()),
        (("am", "ti"), ("Ethiopic",)),
        (("ar", "fa", "ur", "ug"), ("Arabic",)),
        (("sd",), ("Arabic", "Devanagari")),
        (("as", "bn", "bpy"), ("Bengali",)),
        (("ba", "be", "bg", "cv", "kk", "ky", "mk", "nog", "ru", "tt", "uk"), ("Cyrillic",)),
        (("bs", "sr", "uz", "kaa", "az"), ("Cyrillic",)),
        (("chr",), ("Cherokee",)),
        (("cmn", "zh", "yue", "hak"), ("Han", "Bopomofo")),
        (("el", "grc"), ("Greek",)),
        (("en-shaw",), ("Shavian",)),
        (("gu",), ("Gujarati",)),
        (("he",), ("Hebrew",)),
        (("hi", "mr", "ne", "kok"), ("Devanagari",)),
        (("hy", "hyw"), ("Armenian",)),
        (("ja",), ("Hiragana", "Katakana", "Han")),
        (("ka",), ("Georgian",)),
        (("kn",), ("Kannada",)),
        (("ko",), ("Hangul",)),
        (("ml",), ("Malayalam",)),
        (("my", "shn"), ("Myanmar",)),
        (("or",), ("Oriya",)),
        (("pa",), ("Gurmukhi",)),
        (("si",), ("Sinhala",)),
        (("ta",), ("Tamil",)),
        (("te",), ("Telugu",)),
        (("th",), ("Thai",)),
    )
    for tag in tags
}

# Unicode character names that do not start with their script's name.
_NAME_PREFIXES = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KATAKANA-HIRAGANA": "Katakana"}


def script_of(letter: str) -> str | None:
    """The writing system of one letter, from its Unicode name (None when it has no script)."""
    name = unicodedata.name(letter, "")
    if not name or name.startswith("MODIFIER LETTER"):
        return None
    first = name.split(" ", 1)[0]
    return _NAME_PREFIXES.get(first, first.title())


def scripts_in(text: str) -> set[str]:
    """The writing systems of the letters in ``text`` (digits, punctuation and symbols have none).

    Text is NFKC-normalized first so full-width and styled Latin count as Latin.
    """
    scripts: set[str] = set()
    for char in unicodedata.normalize("NFKC", text):
        if unicodedata.category(char).startswith("L"):
            script = script_of(char)
            if script is not None:
                scripts.add(script)
    return scripts


def writing_systems_of(language: str) -> frozenset[str] | None:
    """What a language tag's voice reads (always Latin), or None for a language not in the table.

    Text in a language the table does not know is not checked.
    """
    tag = language.lower()
    known = _WRITES_IN.get(tag, _WRITES_IN.get(tag.split("-", 1)[0]))
    return None if known is None else known | {_LATIN}


def check_speakable(text: str, language: str) -> None:
    """Raise ``UnspeakableText`` for letters of a writing system ``language`` does not use."""
    readable = writing_systems_of(language)
    if readable is None:
        return
    foreign = sorted(scripts_in(text) - readable)
    if foreign:
        raise UnspeakableText(
            f"text in {', '.join(foreign)} script cannot be spoken by the {language!r} voice "
            f"(it reads {', '.join(sorted(readable))})"
        )
