"""Long, noisy free text: repeated boilerplate is ignored, unreliable topics count less."""

from matching import MatchIndex, Record
from matching.boilerplate import MIN_DOCUMENTS, Boilerplate

SIGNATURE = ("Für Rückfragen stehe ich gern zur Verfügung. Mit freundlichen Grüßen, i. A. Fachbereich "
             "Zentrale Dienste, Organisation und Haushalt, Rathausplatz 1")


def learnt(texts: list[list[str]]) -> Boilerplate:
    return Boilerplate.learn(Boilerplate().shingles(words) for words in texts)


def ids(matches) -> list[str]:
    return [match.id for match in matches]


CONTENT = "Wir suchen eine digitale Lösung für Bauanträge und Bauvorlagen im Bauamt".split()


def test_repeated_passage_is_stripped_and_the_rest_kept():
    boilerplate = learnt([SIGNATURE.split()] * MIN_DOCUMENTS)
    assert boilerplate.strip([*CONTENT, *SIGNATURE.split()]) == CONTENT


def test_text_that_is_only_boilerplate_is_kept_whole():
    boilerplate = learnt([SIGNATURE.split()] * MIN_DOCUMENTS)
    assert boilerplate.strip(["Bauamt", *SIGNATURE.split()]) == ["Bauamt", *SIGNATURE.split()]


def test_passage_of_too_few_documents_is_kept():
    boilerplate = learnt([SIGNATURE.split()] * (MIN_DOCUMENTS - 1))
    assert boilerplate.strip(SIGNATURE.split()) == SIGNATURE.split()


def test_signature_words_do_not_match_an_unrelated_offer():
    needs = [Record(f"need:{n}", "need", title=title, text=f"{text} {SIGNATURE}", owner="org:stadt")
             for n, (title, text) in enumerate([
                 ("Bauanträge digital", "Bauvorlagen sollen künftig online eingereicht und geprüft werden."),
                 ("Sirenen", "Wir planen neue Sirenen für die Warnung der Bevölkerung im Ort."),
                 ("Schul-WLAN", "Die Grundschule braucht schnelles WLAN in allen Klassenräumen und Fluren."),
             ])]
    index = MatchIndex.build([
        *needs,
        Record("offer:haushalt", "offer", title="Haushaltssoftware", text="Haushalt und Organisation der Kämmerei",
               owner="v1"),
        Record("offer:bau", "offer", title="Bauportal", text="Bauanträge und Bauvorlagen online einreichen",
               owner="v2"),
    ])
    found = index.similar("need:0", kinds=("offer",))
    assert found[0].id == "offer:bau"
    assert all(not {"Haushalt", "Organisation"} & set(match.terms) for match in found)
    assert "Haushalt" not in index.analyse(" ".join([*CONTENT, SIGNATURE])).terms


def test_boilerplate_survives_save_and_load(tmp_path):
    records = [Record(f"offer:{n}", "offer", title=f"Angebot {word}",
                      text=f"{word} für Kommunen, Städte und Landkreise in ganz Deutschland. {SIGNATURE}",
                      owner=f"o{n}") for n, word in enumerate(["Glasfaser", "Sirenen", "Friedhof", "Parken"])]
    index = MatchIndex.build(records)
    index.save(tmp_path)
    loaded = MatchIndex.load(tmp_path)
    text = f"Sirenen für die Warnung der Bevölkerung im ganzen Landkreis. {SIGNATURE}"
    assert [m.id for m in loaded.query(text)] == [m.id for m in index.query(text)]
    assert index.query(text)[0].id == "offer:1"


def topic_corpus(topics_agree: bool) -> list[Record]:
    """Pairs of records sharing words; their topics agree with the words or are shuffled."""
    subjects = ["Glasfaser Breitband", "Sirenen Warnung", "Friedhof Grabstellen", "Parken Parkschein",
                "Kita Betreuungsplatz", "Wasserzähler Funk", "Winterdienst Streuen", "Schule Tablets",
                "Bauantrag Bauvorlagen", "Grundsteuer Hebesatz", "Wärmeplan Heizung", "Ehrenamt Verein"]
    records = []
    for number, subject in enumerate(subjects * 2):
        topic = f"t{number % len(subjects) if topics_agree else (number * 7) % 5}"
        records.append(Record(f"offer:{number}", "offer", title=subject, text=f"{subject} in der Gemeinde",
                              topics=(topic,), owner=f"o{number}"))
    return records


def test_topics_that_agree_with_the_texts_keep_their_weight():
    agreeing = MatchIndex.build(topic_corpus(topics_agree=True))
    shuffled = MatchIndex.build(topic_corpus(topics_agree=False))
    assert agreeing._topic_weight > 3 * shuffled._topic_weight
