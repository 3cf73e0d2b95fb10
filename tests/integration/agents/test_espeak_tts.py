# ruff: noqa: RUF001  (the sentences are in their languages' own scripts on purpose)
"""eSpeak NG from the espeakng-loader wheel: many languages, clear errors, safe across threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from onair.agents.errors import SynthesisFailed, UnknownVoice, UnspeakableText
from onair.agents.ports import Speech
from onair.agents.voices.espeak_tts import EspeakSynthesizer
from onair.agents.voicing import speaking_rate, trim_silence

GOOD_EVENING = {
    "en": "Good evening, you are listening to the radio.",
    "de": "Guten Abend, Sie hören Radio.",
    "fr": "Bonsoir, vous écoutez la radio.",
    "es": "Buenas noches, estás escuchando la radio.",
    "it": "Buonasera, state ascoltando la radio.",
    "pt": "Boa noite, você está ouvindo a rádio.",
    "nl": "Goedenavond, u luistert naar de radio.",
    "sv": "God kväll, du lyssnar på radio.",
    "da": "God aften, du lytter til radio.",
    "nb": "God kveld, du hører på radio.",
    "fi": "Hyvää iltaa, kuuntelet radiota.",
    "pl": "Dobry wieczór, słuchasz radia.",
    "cs": "Dobrý večer, posloucháte rádio.",
    "hu": "Jó estét, rádiót hallgatsz.",
    "ro": "Bună seara, ascultați radio.",
    "tr": "İyi akşamlar, radyo dinliyorsunuz.",
    "ru": "Добрый вечер, вы слушаете радио.",
    "uk": "Добрий вечір, ви слухаєте радіо.",
    "el": "Καλησπέρα, ακούτε ραδιόφωνο.",
    "ar": "مساء الخير، أنتم تستمعون إلى الراديو.",
    "he": "ערב טוב, אתם מאזינים לרדיו.",
    "hi": "शुभ संध्या, आप रेडियो सुन रहे हैं।",
    "cmn": "晚上好，你正在收听广播。",
    "ja": "こんばんは、ラジオをきいています。",
    "ko": "안녕하세요, 라디오를 듣고 계십니다.",
    "vi": "Chào buổi tối, bạn đang nghe đài.",
    "id": "Selamat malam, Anda mendengarkan radio.",
    "sw": "Habari za jioni, unasikiliza redio.",
}


@pytest.fixture(scope="module")
def espeak() -> EspeakSynthesizer:
    return EspeakSynthesizer()


def rms_dbfs(speech: Speech) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(speech.samples.astype(np.float64) ** 2))))


def test_it_offers_a_default_voice_for_every_language_tested(espeak: EspeakSynthesizer) -> None:
    voices = espeak.voices()
    assert len(voices) >= 20
    assert set(GOOD_EVENING) <= set(voices)
    assert all(voices[tag] for tag in GOOD_EVENING)


@pytest.mark.parametrize(("language", "sentence"), sorted(GOOD_EVENING.items()))
def test_a_sentence_in_each_language_is_audible_and_of_plausible_length(
    espeak: EspeakSynthesizer, language: str, sentence: str
) -> None:
    speech = espeak.synthesize(sentence, language=language)
    assert speech.samples.dtype == np.float32
    assert speech.samples.ndim == 1
    spoken = trim_silence(speech)
    assert rms_dbfs(spoken) > -40.0
    letters = sum(ch.isalpha() for ch in sentence)
    # from a hurried 25 letters a second to 2 for ideographs spelled slowly
    assert letters / 25 <= spoken.duration_s <= max(letters / 2, 1.0)
    assert np.max(np.abs(speech.samples)) <= 1.0


def test_a_regional_tag_it_lacks_speaks_its_language(espeak: EspeakSynthesizer) -> None:
    text = "Guten Abend aus Wien, hier sind die Nachrichten."
    austrian = espeak.synthesize(text, language="de-AT")
    german = espeak.synthesize(text, language="de")
    english = espeak.synthesize(text, language="en")
    # eSpeak NG varies its timing a little from call to call (under 0.5%)
    assert austrian.duration_s == pytest.approx(german.duration_s, rel=0.02)
    assert austrian.duration_s != pytest.approx(english.duration_s, rel=0.05)


def test_a_named_voice_and_its_variant_are_used(espeak: EspeakSynthesizer) -> None:
    plain = espeak.synthesize("Hello there, friends.", language="en", voice="en-US")
    female = espeak.synthesize("Hello there, friends.", language="en", voice="en-US+f3")
    assert not np.array_equal(
        plain.samples[: len(female.samples)], female.samples[: len(plain.samples)]
    )


@pytest.mark.parametrize(
    ("language", "voice", "named"),
    [("tlh", None, "'tlh'"), ("en", "en-XX", "'en-XX'"), ("en", "en-US+zz9", "'zz9'")],
)
def test_an_unknown_voice_or_language_names_it_and_what_exists(
    espeak: EspeakSynthesizer, language: str, voice: str | None, named: str
) -> None:
    with pytest.raises(UnknownVoice, match=named) as raised:
        espeak.synthesize("Hello", language=language, voice=voice)
    assert "(" in str(raised.value)  # followed by voices that do exist


@pytest.mark.parametrize(
    ("text", "script"), [("Добрый вечер", "Cyrillic"), ("晚上好", "Han"), ("مساء الخير", "Arabic")]
)
def test_text_in_a_script_english_does_not_write_is_refused(
    espeak: EspeakSynthesizer, text: str, script: str
) -> None:
    with pytest.raises(UnspeakableText, match=script):
        espeak.synthesize(f"Now on air: {text}", language="en")


def test_latin_artist_names_in_a_russian_link_are_spoken(espeak: EspeakSynthesizer) -> None:
    speech = espeak.synthesize("Это была группа Daft Punk.", language="ru")
    assert trim_silence(speech).duration_s > 1.0


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_script_fails_clearly(espeak: EspeakSynthesizer, text: str) -> None:
    with pytest.raises(SynthesisFailed, match="empty"):
        espeak.synthesize(text, language="en")


def test_two_threads_at_once_each_get_their_own_speech(espeak: EspeakSynthesizer) -> None:
    english = "That was the news, and now back to the music on the evening show."
    german = "Das waren die Nachrichten, und jetzt weiter mit der Musik am Abend."
    expected = {
        "en": espeak.synthesize(english, language="en"),
        "de": espeak.synthesize(german, language="de"),
    }
    assert expected["en"].duration_s != pytest.approx(expected["de"].duration_s, rel=0.05)
    results: dict[str, list[Speech]] = {"en": [], "de": []}
    start = threading.Barrier(2)

    def speak(language: str, text: str) -> None:
        start.wait()
        for _ in range(10):
            results[language].append(espeak.synthesize(text, language=language))

    threads = [
        threading.Thread(target=speak, args=("en", english)),
        threading.Thread(target=speak, args=("de", german)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for language, spoken in results.items():
        assert len(spoken) == 10
        # eSpeak NG varies its timing a little from call to call (under 0.5%)
        reference = expected[language]
        assert all(s.duration_s == pytest.approx(reference.duration_s, rel=0.015) for s in spoken)
        assert all(abs(rms_dbfs(s) - rms_dbfs(reference)) < 0.5 for s in spoken)


def test_english_is_spoken_at_a_plausible_rate(espeak: EspeakSynthesizer) -> None:
    assert 2.0 <= speaking_rate(espeak, "en") <= 4.0


def test_a_slower_setting_speaks_more_slowly() -> None:
    text = "Stay with us, there is plenty more music to come tonight."
    normal = EspeakSynthesizer().synthesize(text, language="en")
    slow = EspeakSynthesizer(words_per_minute=120).synthesize(text, language="en")
    assert slow.duration_s > normal.duration_s * 1.2
    with pytest.raises(ValueError, match="words_per_minute"):
        EspeakSynthesizer(words_per_minute=20)
