"""Long, noisy free text: repeated boilerplate is ignored, unreliable topics count less, a long text
is read to its end, and pruned queries of a large index rank like exact ones."""

from pathlib import Path

import pytest

import matching.index
from matching import MatchIndex, Record, read_records
from matching.boilerplate import MIN_DOCUMENTS, Boilerplate

FREETEXT_DEV2 = Path(__file__).resolve().parents[2] / "bench" / "data" / "freetext_dev2.jsonl"

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


def test_a_need_stated_at_the_end_of_a_long_text_still_matches():
    introduction = (
        "Der Gemeinderat hat im Frühjahr den Haushalt beschlossen, die Sanierung der Grundschule "
        "abgeschlossen, den Kindergarten erweitert, neue Feuerwehrfahrzeuge beschafft, die Ortsdurchfahrt "
        "erneuert, den Friedhof umgestaltet, Spielplätze geprüft, Vereine gefördert und die Bücherei "
        "modernisiert. Außerdem wurden Stellen im Bauhof besetzt, Bushaltestellen barrierefrei ausgebaut, "
        "Gewerbeflächen verkauft, Wanderwege beschildert und das Rathaus mit neuen Fenstern ausgestattet. ")
    # Only character n-grams link "Fotovoltaik…" to "Photovoltaik": no word or compound part is shared.
    need = ("Offen ist die Fotovoltaik: Wir suchen Fotovoltaikanlagen für alle Dächer, einen "
            "Fotovoltaikspeicher für die Turnhalle und eine Fotovoltaikberatung.")
    index = MatchIndex.build([
        Record("need:pv", "need", title="Bericht des Bürgermeisters", text=introduction + need,
               owner="org:1"),
        Record("offer:pv", "offer", title="Photovoltaik", text="Photovoltaik für kommunale Gebäude",
               owner="org:2"),
        Record("offer:winter", "offer", title="Winterdienst", text="Streuen und Räumen im Winter",
               owner="org:3"),
    ])
    found = index.similar("need:pv", kinds=("offer",))
    assert ids(found) == ["offer:pv"]
    assert any("otovoltaik" in term for term in found[0].terms)
    assert ids(index.query(introduction + need, kinds=("offer",))) == ["offer:pv"]


@pytest.mark.skipif(not FREETEXT_DEV2.exists(), reason="bench/data/freetext_dev2.jsonl is missing")
def test_pruned_queries_of_a_large_index_rank_like_exact_scoring(monkeypatch):
    records = read_records(FREETEXT_DEV2)
    index = MatchIndex.build(records)
    needs = [record.id for record in records if record.kind == "need"]
    exact = {need: ids(index.similar(need, kinds=("offer",))) for need in needs}
    monkeypatch.setattr(matching.index, "PRUNE_FROM_ROWS", 0)  # query this index as a large one
    pruned = {need: ids(index.similar(need, kinds=("offer",))) for need in needs}
    same_top5 = sum(pruned[need][:5] == exact[need][:5] for need in needs)
    assert same_top5 >= 0.9 * len(needs)


def test_rows_weighed_a_slice_at_a_time_equal_rows_weighed_at_once(monkeypatch):
    import matching.vectors

    records = read_records(FREETEXT_DEV2) if FREETEXT_DEV2.exists() else [
        Record(f"offer:{n}", "offer", title=f"Angebot {n}", text="Akte Archiv Scan " * n, owner=f"org:{n}")
        for n in range(1, 30)]
    at_once = MatchIndex.build(records)._snapshot.main
    monkeypatch.setattr(matching.vectors, "WEIGH_ROWS_AT_ONCE", 7)  # slices end mid-matrix and unevenly
    sliced = MatchIndex.build(records)._snapshot.main
    assert (at_once != sliced).nnz == 0
