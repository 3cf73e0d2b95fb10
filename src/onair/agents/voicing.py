# ruff: noqa: RUF001  (the calibration passages are Cyrillic and Han text on purpose)
"""What every voiced segment goes through before it can air, and how long speech will take.

Pure functions over ``Speech``: trim the silence a synthesizer leaves around
the words and bring the voice to the station's loudness target (squeezing,
resampling and FLAC go through ffmpeg in ``agents.voices.ffmpeg_speech``).
The timing side measures a voice's speaking rate and estimates how long a
script will run.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import numpy as np

from onair.agents.ports import Speech, SpeechSynthesizer
from onair.agents.writing_systems import script_of
from onair.audio import TruePeakLimiter, airing_gain

__all__ = [
    "AIR_SAMPLE_RATE",
    "MAX_COMPRESSION",
    "duration_of",
    "speaking_rate",
    "spoken_words",
    "to_loudness",
    "trim_silence",
    "word_budget",
]

AIR_SAMPLE_RATE = 48_000
MAX_COMPRESSION = 1.10  # a long segment is compressed by at most 10% (docs/agents.md)

_LEAD_S = 0.005
_TAIL_S = 0.040  # a final consonant's release sits below the threshold; keep it
_BS1770_BLOCK_S = 0.4  # the gating block of ITU-R BS.1770-4
_MAX_VOICE_GAIN_DB = 30.0  # synthesized speech has no noise floor to bring up with it


def trim_silence(speech: Speech, threshold_dbfs: float = -50.0) -> Speech:
    """``speech`` without its leading and trailing silence.

    Silence is every sample quieter than ``threshold_dbfs``; 5 ms are kept
    before the first sound and 40 ms after the last so no word is clipped.
    All-silent speech comes back empty.
    """
    threshold = 10.0 ** (threshold_dbfs / 20.0)
    loud = np.flatnonzero(np.abs(speech.samples) > threshold)
    if loud.size == 0:
        return Speech(np.zeros(0, dtype=np.float32), speech.sample_rate)
    start = max(0, int(loud[0]) - int(_LEAD_S * speech.sample_rate))
    end = min(len(speech.samples), int(loud[-1]) + 1 + int(_TAIL_S * speech.sample_rate))
    return Speech(speech.samples[start:end].copy(), speech.sample_rate)


def _integrated_loudness(speech: Speech) -> float:
    """Integrated loudness in LUFS (EBU R128 / ITU-R BS.1770-4), measured with pyloudnorm.

    Speech shorter than one 400 ms gating block is measured looped to a block.
    """
    samples = speech.samples.astype(np.float64)
    block = int(np.ceil(_BS1770_BLOCK_S * speech.sample_rate)) + 1
    if 0 < len(samples) < block:
        samples = np.tile(samples, -(-block // len(samples)))
    if len(samples) == 0:
        return float("-inf")
    # Imported here: pyloudnorm pulls in scipy.signal, about 2.5 s that every onair
    # command paid at start, though only voicing a link measures speech.
    import pyloudnorm

    return float(pyloudnorm.Meter(speech.sample_rate).integrated_loudness(samples))


def to_loudness(speech: Speech, target_lufs: float, ceiling_dbtp: float = -1.0) -> Speech:
    """``speech`` at the station's loudness target as it airs (EBU R128, ITU-R BS.1770-4).

    As music is: turned up to the target, its peaks through the program's
    true-peak limiter, and measured as it comes out, the gain raised until the
    limited voice is on the target (``onair.audio.airing_gain``). A gain held
    down by the voice's own peaks left synthesized speech, whose consonants
    peak far above its level, 4 LU under the songs around it. The limiting is
    in the voice's audio, so no sample of it passes the ceiling.
    """
    measured = _integrated_loudness(speech)
    if not np.isfinite(measured):
        return speech
    peak = float(np.max(np.abs(speech.samples)))

    def aired(gain_db: float) -> float:
        return _integrated_loudness(_limited(speech, gain_db, ceiling_dbtp))

    gain = airing_gain(measured, 20.0 * float(np.log10(peak)), target_lufs=target_lufs,
                       ceiling_dbtp=ceiling_dbtp, max_gain_db=_MAX_VOICE_GAIN_DB,
                       aired=aired)  # fmt: skip
    return _limited(speech, gain.gain_db, ceiling_dbtp)


def _limited(speech: Speech, gain_db: float, ceiling_dbtp: float) -> Speech:
    """``speech`` turned up ``gain_db`` through the program's true-peak limiter."""
    limiter = TruePeakLimiter(ceiling_dbtp)
    scaled = speech.samples.astype(np.float32) * np.float32(10.0 ** (gain_db / 20.0))
    both = np.repeat(scaled[:, None], 2, axis=1)  # the limiter is stereo; a voice is both sides
    flushed = np.concatenate([both, np.zeros((limiter.latency, 2), np.float32)])
    out = limiter.process(flushed)[limiter.latency :, 0]
    return Speech(np.ascontiguousarray(out, dtype=np.float32), speech.sample_rate)


# Spoken length in letter-equivalents: what each mark costs a voice to say, relative to a
# letter (digits are read as number words; sentence and clause breaks are pauses; every
# utterance has an onset). Fitted on eSpeak NG English, 450 links and free sentences; on
# held-out text the estimate is within 10% for 100% of templated links and 90% of free
# sentences (99% within 15%). Rates are calibrated per language and voice, so only these
# proportions carry over to other voices.
_LETTERS_PER_WORD = 5.0  # a standard word, as in typing speed
_PER_DIGIT = 5.0
_PER_SENTENCE_BREAK = 6.0
_PER_CLAUSE_BREAK = 2.0
_PER_UTTERANCE = 4.0
_PER_UNSPACED_LETTER = 3.0  # a Han or kana character is about a syllable
_UNSPACED = frozenset({"Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer", "Myanmar"})
_SENTENCE_BREAK = re.compile(r"[.!?\u2026]+(?=\s|$)|[\u3002\uff01\uff1f]+")
_CLAUSE_BREAK = re.compile(r"[,;\u2014\u3001\uff0c\uff1b]|:(?!\d)")

# Calibration passages: the same radio link in each language, read to measure a voice's rate.
_CALIBRATION = {
    "en": "Good evening and welcome back. That was a long one, and the night is still young. "
    "Coming up after the break we have new music from the studio, the weather for the weekend, "
    "and a few words about the concert in the park on Saturday. Stay with us, there is plenty "
    "more to come.",
    "de": "Guten Abend und willkommen zurück. Das war ein langer Titel, und die Nacht ist noch "
    "jung. Nach der Pause gibt es neue Musik aus dem Studio, das Wetter für das Wochenende und "
    "ein paar Worte zum Konzert im Park am Samstag. Bleiben Sie dran, es kommt noch viel mehr.",
    "fr": "Bonsoir et bienvenue. C'était un long morceau, et la nuit ne fait que commencer. "
    "Après la pause, nous avons de la nouvelle musique du studio, la météo du week-end et "
    "quelques mots sur le concert dans le parc samedi. Restez avec nous, il y a encore "
    "beaucoup à venir.",
    "es": "Buenas noches y bienvenidos de nuevo. Esa fue una canción larga, y la noche todavía "
    "es joven. Después de la pausa tenemos música nueva del estudio, el tiempo para el fin de "
    "semana y unas palabras sobre el concierto en el parque el sábado. Quédense con nosotros, "
    "todavía queda mucho más.",
    "it": "Buonasera e bentornati. Era un brano lungo, e la notte è ancora giovane. Dopo la "
    "pausa abbiamo musica nuova dallo studio, il meteo per il fine settimana e qualche parola "
    "sul concerto nel parco di sabato. Restate con noi, c'è ancora molto da ascoltare.",
    "pt": "Boa noite e bem-vindos de volta. Essa foi uma música longa, e a noite ainda é uma "
    "criança. Depois do intervalo temos música nova do estúdio, a previsão do tempo para o fim "
    "de semana e algumas palavras sobre o concerto no parque no sábado. Fiquem connosco, ainda "
    "há muito mais.",
    "nl": "Goedenavond en welkom terug. Dat was een lang nummer, en de nacht is nog jong. Na de "
    "pauze hebben we nieuwe muziek uit de studio, het weer voor het weekend en een paar woorden "
    "over het concert in het park op zaterdag. Blijf luisteren, er komt nog veel meer.",
    "pl": "Dobry wieczór i witamy z powrotem. To był długi utwór, a noc jest jeszcze młoda. Po "
    "przerwie mamy nową muzykę ze studia, pogodę na weekend i kilka słów o koncercie w parku w "
    "sobotę. Zostańcie z nami, przed nami jeszcze dużo więcej.",
    "ru": "Добрый вечер и с возвращением. Это была длинная песня, а ночь ещё только начинается. "
    "После перерыва у нас новая музыка из студии, прогноз погоды на выходные и несколько слов "
    "о концерте в парке в субботу. Оставайтесь с нами, впереди ещё много интересного.",
    "zh": "晚上好，欢迎回来。刚才那首歌很长，今晚才刚刚开始。休息之后，我们有来自录音室的新音乐，"
    "周末的天气预报，还有关于星期六公园音乐会的消息。请继续收听，精彩马上回来。",
}
_CALIBRATION["cmn"] = _CALIBRATION["zh"]

_rates: dict[tuple[str, str, str | None], float] = {}
_rates_lock = threading.Lock()


def spoken_words(text: str) -> float:
    """How long ``text`` is to say, in standard words of five letters (the typing convention).

    Counting letters rather than words keeps "Supercalifragilistic" from
    costing the same as "a"; digits count as the number words they are read
    as, and sentence and clause breaks as the pauses a voice makes there.
    """
    script = text.strip()
    if not script:
        return 0.0
    letters = 0.0
    for char in script:
        if char.isdigit():
            letters += _PER_DIGIT
        elif unicodedata.category(char).startswith("L"):
            unspaced = script_of(char) in _UNSPACED
            letters += _PER_UNSPACED_LETTER if unspaced else 1.0
    inner_breaks = len(_SENTENCE_BREAK.findall(script)) - int(
        bool(_SENTENCE_BREAK.search(script[-1]))
    )
    letters += _PER_SENTENCE_BREAK * inner_breaks
    letters += _PER_CLAUSE_BREAK * len(_CLAUSE_BREAK.findall(script)) + _PER_UTTERANCE
    return letters / _LETTERS_PER_WORD


def speaking_rate(synthesizer: SpeechSynthesizer, language: str, voice: str | None = None) -> float:
    """Words per second ``voice`` speaks ``language`` at, measured once per process.

    Words are standard words (see ``spoken_words``). The voice reads a
    calibration passage (the language's own where there is one, else
    English); the rate is its spoken words over its trimmed length.
    """
    key = (synthesizer.name, language.lower(), voice)
    with _rates_lock:
        if key in _rates:
            return _rates[key]
    tag = language.lower()
    passage = _CALIBRATION.get(tag) or _CALIBRATION.get(tag.split("-", 1)[0], _CALIBRATION["en"])
    spoken = trim_silence(synthesizer.synthesize(passage, language=language, voice=voice))
    if spoken.duration_s <= 0:
        raise ValueError(f"{synthesizer.name} gave silence reading the {language!r} calibration")
    rate = spoken_words(passage) / spoken.duration_s
    with _rates_lock:
        _rates[key] = rate
    return rate


def duration_of(text: str, words_per_second: float) -> float:
    """Estimated seconds ``text`` takes at ``words_per_second`` (see ``speaking_rate``)."""
    if words_per_second <= 0:
        raise ValueError(f"speaking rate {words_per_second}: must be above 0 words per second")
    return spoken_words(text) / words_per_second


def word_budget(seconds: float, words_per_second: float) -> int:
    """How many standard words fit in ``seconds``: a script's budget for a gap.

    A script fits when its ``spoken_words`` are at most the budget.
    """
    if words_per_second <= 0:
        raise ValueError(f"speaking rate {words_per_second}: must be above 0 words per second")
    return max(0, int(seconds * words_per_second))
