"""Suggestions weigh proximity: the same Land and the same population class lift nearly equal
suggestions and are shown as reasons ("auch in Bayern"); a clearly better match stays first."""
from community.suggestions import proximity
from community.suggestions.services import suggestions_for
from tests.factories import make_need, make_offer, make_org, make_token, make_user, sign_in

TEXT = "Wir suchen eine Software für die Kfz-Zulassung mit Online-Terminvergabe und Gebührenkasse."


def _vendors():
    far = make_org(name="Nordlicht IT", kind="company", org_type="hersteller", land="01", population_class="gt500k")
    near = make_org(name="Alpen IT", kind="company", org_type="hersteller", land="09", population_class="20k-100k")
    return far, near


def test_same_land_and_class_lift_an_equal_match_and_are_shown_as_reasons(client):
    me = make_user(make_org(name="Markt Beispiel", land="09", population_class="20k-100k"))
    make_need(me.organisation, title="Kfz-Zulassung digital", body=TEXT)
    far, near = _vendors()
    make_offer(far, title="Kfz-Zulassung digital", body=TEXT)  # created first: ahead on a tie
    make_offer(near, title="Kfz-Zulassung digital", body=TEXT)
    [group] = suggestions_for(me).needs
    offers = group.by_relation["offer"]
    # The same offer of two providers is one card (#27); the nearer provider leads it, the other is named in it.
    assert offers[0].organisation.name == "Alpen IT"
    assert [alike.organisation.name for alike in offers[0].alike] == ["Nordlicht IT"]
    assert offers[0].close == proximity.Closeness(same_land=True, same_class=True)
    sign_in(client, me)
    client.post("/language/de")
    page = client.get("/suggestions").get_data(as_text=True)
    assert "auch in Bayern" in page and "auch 20.000 bis 100.000 Einwohner" in page


def test_proximity_never_lifts_a_clearly_weaker_match(app):
    me = make_user(make_org(land="09", population_class="20k-100k"))
    make_need(me.organisation, title="Kfz-Zulassung digital", body=TEXT)
    far, near = _vendors()
    make_offer(far, title="Kfz-Zulassung digital", body=TEXT)
    make_offer(near, title="Zulassung", body="Software für Behörden, auch für die Zulassung.")
    [group] = suggestions_for(me).needs
    assert group.by_relation["offer"][0].organisation.name == "Nordlicht IT"


def test_the_api_says_what_is_close(client):
    me = make_user(make_org(land="09", population_class="20k-100k"))
    make_need(me.organisation, title="Kfz-Zulassung digital", body=TEXT)
    _far, near = _vendors()
    make_offer(near, title="Kfz-Zulassung digital", body=TEXT)
    body = client.get("/api/v1/suggestions", headers={"Authorization": f"Bearer {make_token(me)}"}).get_json()
    [item] = [i for i in body["items"] if i["relation"] == "offer"]
    assert item["same_land"] is True and item["same_population_class"] is True


def test_ranked_is_stable_and_bounded():
    items = [(0.50, proximity.Closeness()), (0.499, proximity.Closeness(True, True)), (0.40, proximity.Closeness(True, True))]
    order = proximity.ranked(items, lambda item: item[0], lambda item: item[1])
    assert [item[0] for item in order] == [0.499, 0.50, 0.40]
    assert proximity.Closeness(True, True).bonus == proximity.WEIGHT
