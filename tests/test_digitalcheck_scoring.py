"""Digital-Check scoring exactly as specified: dimension scores, overall, maturity levels, ranking by need for
action, k-anonymity of the peer statistics, the questionnaire's rules and the need templates."""
import pytest

from community.digitalcheck import questionnaire, scoring, services
from community.digitalcheck.questionnaire import QuestionnaireError, parse


@pytest.fixture
def known(app):
    return questionnaire.current()


def test_dimension_score_is_the_mean_level_over_four_times_100_and_null_when_unanswered(known):
    first, second = known.dimensions[0], known.dimensions[1]
    ids = [q.id for q in first.questions]
    answers = {ids[0]: 4, ids[1]: 1, ids[2]: None}  # "weiß nicht" is left out
    scores = scoring.dimension_scores(known, answers)
    assert scores[first.slug] == 62.5 and scores[second.slug] is None
    assert scoring.overall_score(scores) == 62.5
    assert scoring.overall_score({"a": 0.0, "b": 50.0, "c": None}) == 25.0
    assert scoring.overall_score({"a": None}) is None


@pytest.mark.parametrize("score, level", [(0, 1), (19.9, 1), (20, 2), (39.9, 2), (40, 3), (60, 4), (79.9, 4),
                                          (80, 5), (100, 5), (None, None)])
def test_five_maturity_levels(score, level):
    assert scoring.maturity_level(score) == level


def test_handlungsfelder_rank_by_priority_times_gap(app):
    scores = {"a": 80.0, "b": 20.0, "c": 50.0, "d": None, "e": 50.0}
    fields = scoring.handlungsfelder(scores, {"a": 3, "b": 1, "c": 3})
    assert [f.dimension for f in fields] == ["c", "e", "b", "a", "d"]
    assert [f.need_for_action for f in fields] == [150.0, 100.0, 80.0, 60.0, None]
    assert fields[1].priority == scoring.DEFAULT_PRIORITY


def test_peer_statistics_need_five_peers(app):
    assert scoring.peer_statistics([10, 20, 30, 40]) is None
    assert scoring.peer_statistics([0, 25, 50, 75, 100]) == {"peers": 5, "median": 50, "p25": 25, "p75": 75}


def test_the_questionnaire_has_eight_dimensions_five_levels_and_valid_templates(known):
    assert 8 <= len(known.dimensions) <= 10
    for org_type in questionnaire.ORG_TYPES:
        mine = known.for_org_type(org_type)
        assert len(mine.dimensions) == len(known.dimensions) and len(mine.questions) <= 45
        assert all(3 <= len(dimension.questions) <= 8 for dimension in mine.dimensions)
    for dimension in known.dimensions:
        assert dimension.topics and dimension.sources
        for question in dimension.questions:
            assert len(question.levels) == 5 and all(level.de and level.en for level in question.levels)
            assert question.applies_to and question.sources
            assert all(s.title and s.url.startswith("https://") and s.stand for s in question.sources)
    version_1 = questionnaire.versions()["2026.1"]
    assert all(4 <= len(d.questions) <= 8 for d in version_1.dimensions)
    templates = [q.need for q in known.questions.values() if q.need]
    assert templates and all(t.title.de and t.text.de and t.topics for t in templates)


def test_the_loader_refuses_a_question_without_five_levels(known):
    raw = {"version": "x", "sources": {"s": "S"}, "dimensions": [{
        "slug": f"d{i}", "label_de": "D", "label_en": "D", "topics": ["ozg"], "sources": ["s"],
        "questions": [{"id": f"d{i}.q{j}", "text_de": "F", "text_en": "Q", "levels_de": ["a"] * 5,
                       "levels_en": ["a"] * 5} for j in range(4)]} for i in range(8)]}
    assert len(parse(raw).dimensions) == 8
    raw["dimensions"][0]["questions"][0]["levels_de"] = ["a"] * 4
    with pytest.raises(QuestionnaireError):
        parse(raw)


def test_proposals_come_from_low_answers_in_the_top_fields(app):
    from tests.factories import make_org, make_user

    member = make_user(make_org())
    known = services.questionnaire().for_org_type("gemeinde")
    top = known.dimensions[0]
    answers = {q.id: 4 for q in known.questions.values()}
    answers.update({q.id: 1 for q in top.questions})
    assessment = services.create(member, answers, {top.slug: 3}, submit=True)
    proposals = services.proposed_needs(assessment)
    expected = [q.id for q in top.questions if q.need]
    assert [p["key"] for p in proposals] == expected
    first = known.questions[expected[0]].need
    assert proposals[0]["title"] == first.title.de and proposals[0]["topics"] == list(first.topics)
