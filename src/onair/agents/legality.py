"""The legality checker: a script may air only if it is grounded and lawful.

It refuses a script that names an upcoming track or artist (the DMCA's
performance complement forbids pre-announcing, 17 U.S.C. 114(d)(2)(C)(ii);
back-announcing what just played is fine), says a blocked word, states a
number or a name that is in none of its facts, reads out a file name in place
of a title or a placeholder in place of an artist ("track22", "Unknown
Artist"), or is a station ID that does not say the call letters immediately
followed by the community of license (47 CFR 73.1201(b)(1)).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from onair.agents.errors import ScriptRejected
from onair.agents.facts import Facts, ScriptRequest, TrackFacts
from onair.agents.templates import LANGUAGES, ScriptLanguage, language_for
from onair.domain.legal_id import legal_id_problem
from onair.domain.segments import SegmentKind

__all__ = ["assert_legal", "check"]

_TOKEN = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"[.!?:;…\n]")
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


def check(text: str, request: ScriptRequest) -> list[str]:
    """Every reason ``text`` may not air for ``request``; empty when it is legal."""
    facts = request.facts
    language = language_for(facts.language)
    reasons = [
        *_pre_announcements(text, facts, language),
        *_placeholders(text, facts),
        *_blocked_words(text, facts),
        *_invented_numbers(text, facts, language),
        *_invented_names(text, facts, language),
    ]
    if request.kind is SegmentKind.STATION_ID:
        problem = legal_id_problem(text, facts.call_letters, facts.community, facts.station_name)
        if problem:
            reasons.append(problem)
    return reasons


def assert_legal(text: str, request: ScriptRequest) -> None:
    """Raises ``ScriptRejected`` with every reason ``text`` may not air."""
    reasons = check(text, request)
    if reasons:
        raise ScriptRejected(reasons)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: "Beyoncé" and "BEYONCE" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class _Token:
    said: str  # as written
    folded: str
    first: bool  # starts a sentence (or a headline after a colon)
    quoted: bool  # opens a quotation

    @property
    def capitalised(self) -> bool:
        return self.said[0].isupper()


def _scan(text: str) -> list[_Token]:
    """The words of ``text`` (split at apostrophes too: "l'amour" is "l", "amour")."""
    tokens: list[_Token] = []
    end = 0
    for match in _TOKEN.finditer(text):
        gap, start = text[end : match.start()], match.start()
        first = not tokens or bool(_SENTENCE_END.search(gap))
        # A quote mark opens a quotation unless it is an apostrophe inside a word.
        quoted = gap[-1:] in _QUOTES and (start < 2 or not text[start - 2].isalnum())
        tokens.append(_Token(match.group(), _fold(match.group()), first, quoted))
        end = match.end()
    return tokens


def _tokens(text: str) -> list[str]:
    return [t.folded for t in _scan(text)]


def _phrase_at(tokens: list[_Token], phrase: list[str]) -> Iterator[int]:
    n = len(phrase)
    for i in range(len(tokens) - n + 1 if n else 0):
        if [t.folded for t in tokens[i : i + n]] == phrase:
            yield i


def _pre_announcements(text: str, facts: Facts, language: ScriptLanguage | None) -> list[str]:
    tokens = _scan(text)
    common = _common_words(language)
    # Words that back-announce the previous track are allowed, even where an upcoming
    # name is among them (the same artist again, "Queen" inside "Queen of Hearts").
    spent = _back_announced(tokens, facts.previous)
    reasons: list[str] = []
    for track in facts.upcoming:
        for role, name in _roles(track):
            phrase = _tokens(name)
            # A title or artist made only of everyday words ("Home", "Yes", "Right
            # Here") would refuse ordinary sentences. "Everyday" is decided by a
            # list: the language's small list of common words plus every word its
            # templates use, so the rules generator can never trip on itself. Such
            # a name counts only where it is written as one: starting with a
            # capital mid-sentence, or opening a quotation. ("Home is next." at the
            # start of a sentence slips through; refusing every "home" would not do.)
            as_name = all(w in common for w in phrase)
            named = any(
                not spent.intersection(range(i, i + len(phrase)))
                and (
                    not as_name
                    or tokens[i].quoted
                    or (tokens[i].capitalised and not tokens[i].first)
                )
                for i in _phrase_at(tokens, phrase)
            )
            reason = (
                f"names the upcoming {role} {name!r}: a song may not be announced "
                "before it plays (17 U.S.C. 114(d)(2)(C)(ii))"
            )
            if named and reason not in reasons:
                reasons.append(reason)
    return reasons


def _back_announced(tokens: list[_Token], previous: TrackFacts | None) -> set[int]:
    """Where the text names the track that just played (its title or an artist)."""
    if previous is None:
        return set()
    spans = ((i, len(p)) for p in map(_tokens, _names(previous)) for i in _phrase_at(tokens, p))
    return {j for i, n in spans for j in range(i, i + n)}


def _roles(track: TrackFacts) -> list[tuple[str, str]]:
    artists = [a for a in (track.artist, *track.artists) if a]
    named = [("title", track.title or ""), *(("artist", a) for a in artists)]
    return [(role, name) for role, name in dict.fromkeys(named) if name.strip()]


def _placeholders(text: str, facts: Facts) -> list[str]:
    """A file name said as a title, or "Unknown Artist" as an artist: the last guard.

    The generators are never given these; a script that says one anyway, as
    written ("track22", "time_to_strike"), is refused. Its words in a sentence
    still air ("time to strike up the band"), and so does a lone word ("Unknown",
    "Artist") any script may say; a number ("01") is the numbers check's to answer.
    """
    said = " ".join(_fold(text).split())
    reasons: list[str] = []
    for name in facts.unspoken:
        phrase = _tokens(name)
        lone_word = len(phrase) == 1 and (phrase[0].isalpha() or phrase[0].isdigit())
        if not phrase or lone_word:
            continue
        written = re.escape(" ".join(_fold(name).split()))
        if re.search(rf"(?<!\w){written}(?!\w)", said):
            reasons.append(
                f"says {name!r}, which stands in for a title or an artist the tags do not "
                "give: a file name or a placeholder is never spoken"
            )
    return reasons


def _names(track: TrackFacts) -> list[str]:
    return [n for _, n in _roles(track)]


def _common_words(language: ScriptLanguage | None) -> frozenset[str]:
    return _folded_words(language.code).common if language else frozenset()


@dataclass(frozen=True)
class _FoldedWords:
    """A language's word lists, folded and split the way scripts are (built once)."""

    common: frozenset[str]
    allowed: frozenset[str]
    numbers: dict[tuple[str, ...], int]


@cache
def _folded_words(code: str) -> _FoldedWords:
    language = LANGUAGES[code]
    ambiguous = {_fold(w) for w in language.not_numbers}
    numbers = {tuple(_tokens(said)): n for said, n in language.number_words.items()}
    return _FoldedWords(
        common=frozenset(_split(language.common_words | language.template_words)),
        allowed=frozenset(_split(language.allowed_words)),
        numbers={p: n for p, n in numbers.items() if not (len(p) == 1 and p[0] in ambiguous)},
    )


def _split(words: Iterable[str]) -> Iterator[str]:
    return (t for w in words for t in _tokens(w))


def _blocked_words(text: str, facts: Facts) -> list[str]:
    tokens = _scan(text)
    return [
        f"contains the blocked word {word!r}"
        for word in facts.persona.blocked_words
        if any(True for _ in _phrase_at(tokens, _tokens(word)))
    ]


def _invented_numbers(text: str, facts: Facts, language: ScriptLanguage | None) -> list[str]:
    allowed = _fact_numbers(facts, language)
    reasons: list[str] = []
    for said, value in _stated_numbers(text, language):
        reason = f"states the number {said!r}, which is in none of its facts"
        if value not in allowed and reason not in reasons:
            reasons.append(reason)
    return reasons


def _fact_numbers(facts: Facts, language: ScriptLanguage | None) -> set[Decimal]:
    """The numbers a script may state: those in its facts, and the time's."""
    at = facts.local_time
    numbers = {Decimal(n) for n in (at.hour, at.hour % 12 or 12, at.minute)}
    if facts.previous is not None and facts.previous.year is not None:
        numbers.add(Decimal(facts.previous.year))
    if facts.show is not None and facts.show.start_hour is not None:
        hour = facts.show.start_hour
        numbers.update({Decimal(hour), Decimal(hour % 12 or 12)})
    for fact in _fact_strings(facts):
        numbers.update(value for _, value in _stated_numbers(fact, language))
    return numbers


def _fact_strings(facts: Facts) -> list[str]:
    """Every string a script may quote from (the upcoming tracks are not among them)."""
    strings = [facts.station_name, facts.call_letters, facts.community, facts.persona.name]
    strings += [s for s in (facts.weather, facts.feed_name) if s]
    strings += facts.headlines
    if facts.previous is not None:
        strings += _names(facts.previous)
        strings += [s for s in (facts.previous.album, facts.previous.genre) if s]
    if facts.show is not None:
        strings += [facts.show.name, *facts.show.hosts]
    return strings


def _stated_numbers(text: str, language: ScriptLanguage | None) -> list[tuple[str, Decimal]]:
    """Numbers in digits, and in words (0..100) in the script's language."""
    found = [(m.group(), Decimal(m.group().replace(",", "."))) for m in _DIGITS.finditer(text)]
    if language is None:
        return found
    phrases = _folded_words(language.code).numbers
    longest = max(len(p) for p in phrases)
    tokens = [t for t in _tokens(text) if not t.isdigit()]
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            value = phrases.get(tuple(tokens[i : i + size]))
            if value is not None:
                found.append((" ".join(tokens[i : i + size]), Decimal(value)))
                i += size
                break
        else:
            i += 1
    return found


def _invented_names(text: str, facts: Facts, language: ScriptLanguage | None) -> list[str]:
    allowed = _folded_words(language.code).allowed if language else frozenset(("am", "pm", "fm"))
    known = allowed | set(_split(_fact_strings(facts)))
    reasons: list[str] = []
    for token in _scan(text):
        if token.first or not token.capitalised or token.folded in known:
            continue
        reason = f"names {token.said!r}, which is in none of its facts"
        if reason not in reasons:
            reasons.append(reason)
    return reasons
