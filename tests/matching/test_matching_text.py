"""German text handling seen through the public API: compounds, umlauts, empty and long texts."""

from matching import MAX_TEXT_CHARS, MatchIndex, Record

FILLER = [
    Record("offer:filler-1", "offer", title="Kita-Platzvergabe online", text="Anmeldung für Kindergärten", owner="o1"),
    Record("offer:filler-2", "offer", title="Hundesteuer", text="Anmeldung und Abmeldung von Hunden", owner="o2"),
    Record("offer:filler-3", "offer", title="Sperrmüll", text="Termine für die Abholung", owner="o3"),
]


def build(*records: Record) -> MatchIndex:
    return MatchIndex.build([*FILLER, *records])


def ids(matches) -> list[str]:
    return [match.id for match in matches]


def test_compound_meets_its_shorter_compound():
    index = build(
        Record("offer:dms", "offer", title="Dokumentenmanagement für Kommunen", owner="a"),
        Record("offer:system", "offer", title="System für Kommunen", owner="b"),
    )
    assert ids(index.query("Wir suchen ein Dokumentenmanagementsystem"))[0] == "offer:dms"


def test_compounds_sharing_a_part_match():
    index = build(
        Record("offer:bau", "offer", title="Baugenehmigungsverfahren digital", text="Genehmigung im Verfahren", owner="a"),
        Record("offer:other", "offer", title="Verfahren für Wahlen", owner="b"),
    )
    assert ids(index.query("Bauantrag"))[0] == "offer:bau"


def test_e_prefix_meets_elektronisch():
    index = build(Record("offer:akte", "offer", title="Elektronische Akte", text="Aktenführung", owner="a"))
    assert ids(index.query("E-Akte einführen"))[0] == "offer:akte"


def test_umlaut_spellings_are_equal():
    index = build(
        Record("offer:muell", "offer", title="Müllabfuhr und Straßenreinigung", owner="a"),
        Record("offer:other", "offer", title="Wasser und Abwasser", owner="b"),
    )
    assert ids(index.query("Muellabfuhr"))[0] == "offer:muell"
    assert ids(index.query("Strassenreinigung"))[0] == "offer:muell"
    assert index.query("MÜLL") == index.query("Muell") == index.query("müll")
    assert set(ids(index.query("Muell"))) == {"offer:muell", "offer:filler-3"}


def test_stop_word_only_text_gives_no_matches_and_says_why():
    index = build()
    assert index.query("und oder aber die der das") == []
    assert index.analyse("und oder aber die der das").problem == "stop_words_only"


def test_empty_text_gives_no_matches_and_says_why():
    index = build()
    assert index.query("") == []
    assert index.analyse("   ").problem == "empty"


def test_unknown_words_are_reported():
    index = build()
    assert index.query("Xylophonquartett") == []
    assert index.analyse("Xylophonquartett").problem == "unknown_words"


def test_analyse_lists_known_words():
    analysis = build().analyse("Hundesteuer anmelden")
    assert analysis.problem is None
    assert "Hundesteuer" in analysis.terms


def test_text_beyond_the_limit_is_ignored():
    padding = "Verwaltung " * (MAX_TEXT_CHARS // len("Verwaltung ") + 10)
    index = build(
        Record("offer:long", "offer", title="Bericht", text=padding + " Quartiersgarage", owner="a"),
        Record("offer:short", "offer", title="Quartiersgarage planen", owner="b"),
    )
    assert ids(index.query("Quartiersgarage")) == ["offer:short"]


def test_abbreviation_meets_its_expansion():
    index = build(
        Record("offer:dms", "offer", title="Dokumentenmanagementsystem für Rathäuser", owner="a"),
        Record("offer:other", "offer", title="Managementberatung für Rathäuser", owner="b"),
    )
    assert ids(index.query("Wir brauchen ein DMS"))[0] == "offer:dms"
    index = build(Record("offer:ozg", "offer", title="Umsetzung des Onlinezugangsgesetzes", owner="a"))
    assert ids(index.query("OZG-Leistungen"))[0] == "offer:ozg"


def test_word_stems_tell_own_stems_from_compound_parts():
    from matching import MatchIndex, Record

    index = MatchIndex.build([Record("a", "offer", "Bau und Akte, Wein und Garten, Weingarten, Kindergarten")])
    assert index.word_stems("Kindergarten")[0] == ("kindergart",)
    assert "gart" in index.word_stems("Weingarten")[1]
    assert index.word_stems("die") == ((), ())


def test_the_synonym_list_is_ours_and_large_enough():
    from matching.synonyms import PATH
    from matching.text import default_synonyms

    lines = [line for line in PATH.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(lines) >= 60
    assert "Written by the Kommunalnetz team" in PATH.read_text(encoding="utf-8")
    assert all(" " not in member.strip() for line in lines for member in line.split(","))
    assert default_synonyms()


def test_a_query_meets_the_synonyms_of_its_words():
    index = build(
        Record("offer:kita", "offer", title="Platzvergabe für Kindertagesstätten", text="Eltern melden online an", owner="a"),
        Record("offer:lade", "offer", title="Ladeinfrastruktur für Kommunen", text="Ladepunkte auf Parkplätzen", owner="b"),
        Record("offer:akte", "offer", title="E-Akte im Standesamt einführen", text="Scannen und ablegen", owner="c"),
        Record("offer:garten", "offer", title="Gemeinde Weingarten", text="Wein und Garten", owner="d"),
    )
    for query in ("Kinderbetreuung", "Kita", "Kita-Anmeldung"):
        assert "offer:kita" in ids(index.query(query)[:3]), query
    assert ids(index.query("Ladesäulen"))[0] == "offer:lade"
    assert "Ladeinfrastruktur" in index.analyse("Ladesäulen").terms


def test_synonyms_are_added_to_queries_not_to_indexed_records():
    from matching.text import Analyser

    analyser = Analyser()
    assert "kindertagesstatt" in analyser.analyse("Kita", synonyms=True)
    assert "kindertagesstatt" not in analyser.analyse("Kita")
    # A hyphenated member is looked for, but its pieces alone ("Rechnung") are too general to add.
    assert "rechnungseingang" in analyser.analyse("XRechnung", synonyms=True)
    assert "rechnung" not in analyser.analyse("XRechnung", synonyms=True)
    index = build(Record("offer:kita", "offer", title="Kita", owner="a"),
                  Record("offer:kiga", "offer", title="Kindergarten", owner="b"))
    assert "offer:kiga" not in ids(index.similar("offer:kita"))
