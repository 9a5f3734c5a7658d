"""Index behaviour through the public API: explanations, filters, updates, persistence."""

import threading

import pytest

from matching import Match, MatchIndex, Record

RECORDS = [
    Record("need:1", "need", title="E-Akte einführen", text="Wir wollen die elektronische Aktenführung einführen.",
           topics=("eakte",), owner="org:1"),
    Record("need:2", "need", title="Elektronische Akte", text="Aktenplan und Schulung für die E-Akte gesucht.",
           topics=("eakte",), owner="org:2"),
    Record("offer:1", "offer", title="E-Akte für Kommunen", text="Einführung der elektronischen Akte mit Aktenplan.",
           topics=("eakte",), owner="org:3"),
    Record("offer:2", "offer", title="Glasfaserausbau", text="Breitband und Glasfaser für Gewerbegebiete.",
           topics=("breitband",), owner="org:3"),
    Record("offer:3", "offer", title="Akten digitalisieren", text="Scanstelle für Akten und Posteingang.",
           topics=("eakte",), owner="org:1"),
    Record("org:4", "organisation", title="Stadt Lemgo", text="Erfahrungen mit elektronischer Akte und Glasfaser.",
           owner="org:4"),
]


@pytest.fixture
def index() -> MatchIndex:
    return MatchIndex.build(RECORDS)


def ids(matches: list[Match]) -> list[str]:
    return [match.id for match in matches]


def test_match_is_positional_and_frozen():
    match = Match("offer:1", 0.5, ("Akte",))
    assert (match.id, match.score, match.terms, match.topics) == ("offer:1", 0.5, ("Akte",), ())
    with pytest.raises(AttributeError):
        match.score = 1.0


def test_scores_are_in_unit_range_and_descending(index):
    scores = [match.score for match in index.query("elektronische Akte", topics=("eakte",))]
    assert scores and all(0 <= score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_matches_carry_surface_words_not_stems(index):
    best = index.query("Aktenplan für die elektronische Akte", kinds=("offer",))[0]
    assert best.id == "offer:1"
    assert "Aktenplan" in best.terms
    assert all(term[0].isalpha() and term not in ("akt", "elektron") for term in best.terms)


def test_matches_carry_shared_topics(index):
    best = index.similar("need:1", kinds=("offer",))[0]
    assert best.topics == ("eakte",)


def test_similar_never_returns_itself_or_same_owner(index):
    for record in RECORDS:
        owner = record.owner
        for match in index.similar(record.id):
            assert match.id != record.id
            assert next(r.owner for r in RECORDS if r.id == match.id) != owner


def test_query_excludes_owner(index):
    assert "offer:3" in ids(index.query("Akten"))
    assert "offer:3" not in ids(index.query("Akten", exclude_owner="org:1"))


def test_kinds_filter(index):
    assert set(ids(index.similar("need:1", kinds=("need",)))) == {"need:2"}
    assert {m.id.split(":")[0] for m in index.query("Akte Glasfaser", kinds={"offer", "organisation"})} <= {
        "offer", "org"}


def test_similar_unknown_id_raises(index):
    with pytest.raises(KeyError):
        index.similar("need:missing")


def test_upsert_is_visible_to_next_query(index):
    index.upsert(Record("offer:9", "offer", title="Glasfaser Hausanschluss", text="Glasfaser", owner="org:9"))
    assert "offer:9" in ids(index.query("Glasfaser"))


def test_upsert_replaces_existing_record(index):
    index.upsert(Record("offer:2", "offer", title="Posteingang scannen", owner="org:3"))
    assert "offer:2" not in ids(index.query("Glasfaser Breitband"))
    assert "offer:2" in ids(index.query("Posteingang"))
    assert len(index) == len(RECORDS)


def test_remove_is_visible_to_next_query(index):
    assert index.remove("offer:2") is True
    assert "offer:2" not in ids(index.query("Glasfaser"))
    assert index.remove("offer:2") is False
    with pytest.raises(KeyError):
        index.similar("offer:2")


def test_unknown_words_of_upserts_raise_drift(index):
    assert not index.needs_refit
    index.upsert(Record("offer:x", "offer", title="Quantenkryptografie Zitronenfalter Wolkenkuckucksheim",
                        owner="org:x"))
    assert index.unknown_share > 0.5
    assert index.needs_refit


def same(left: list[Match], right: list[Match]) -> bool:
    """Equal results; scores may differ in the last float32 digits (rows moved from delta to main)."""
    return [(m.id, m.terms, m.topics) for m in left] == [(m.id, m.terms, m.topics) for m in right] and all(
        a.score == pytest.approx(b.score, abs=1e-6) for a, b in zip(left, right))


def test_save_and_load_give_the_same_results(index, tmp_path):
    index.upsert(Record("offer:9", "offer", title="Glasfaser Hausanschluss", owner="org:9"))
    index.remove("offer:3")
    index.save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index")
    for text in ("elektronische Akte", "Glasfaser", "Akten digitalisieren"):
        assert same(loaded.query(text, topics=("eakte",)), index.query(text, topics=("eakte",)))
    for record_id in ("need:1", "need:2", "offer:9"):
        assert same(loaded.similar(record_id), index.similar(record_id))
    assert "offer:3" not in loaded


def test_loaded_index_accepts_upserts(index, tmp_path):
    index.save(tmp_path)
    loaded = MatchIndex.load(tmp_path)
    loaded.upsert(Record("offer:9", "offer", title="Glasfaser Hausanschluss", owner="org:9"))
    assert "offer:9" in ids(loaded.query("Glasfaser"))


def test_queries_run_safely_while_upserting(index):
    errors: list[Exception] = []

    def read() -> None:
        try:
            for _ in range(200):
                index.query("elektronische Akte Glasfaser")
                index.similar("need:1")
        except Exception as error:  # noqa: BLE001 - the test reports any failure of a reader
            errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for number in range(100):
        index.upsert(Record(f"offer:t{number}", "offer", title=f"Glasfaser {number}", owner=f"org:t{number}"))
        if number % 3 == 0:
            index.remove(f"offer:t{number}")
    for reader in readers:
        reader.join()
    assert errors == []


def test_shared_topic_does_not_lift_a_row_without_shared_words():
    index = MatchIndex.build([
        Record("offer:words", "offer", title="Eingangsrechnungen elektronisch freigeben",
               text="Workflow für die Kämmerei mit Anbindung an das Finanzverfahren", owner="a"),
        Record("offer:topic", "offer", title="Hotspots für die Innenstadt",
               text="Freies WLAN auf dem Marktplatz und im Rathaus, Rechnung monatlich",
               topics=("infrastruktur",), owner="b"),
        Record("offer:filler", "offer", title="Sperrmüll", text="Termine für die Abholung", owner="c"),
        Record("offer:filler2", "offer", title="Hundesteuer", text="Anmeldung von Hunden", owner="d"),
    ])
    text = "Wir wollen XRechnungen empfangen, prüfen und Eingangsrechnungen digital freigeben"
    found = index.query(text, topics=("infrastruktur",))
    assert [match.id for match in found] == ["offer:words", "offer:topic"]
    assert found[1].topics == ("infrastruktur",)
