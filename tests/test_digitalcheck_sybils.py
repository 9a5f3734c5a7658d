"""k-anonymity cannot be bought with registrations: five fresh municipalities registered through /register
(within the default hourly limit), in the Land and population class of the one real (verified)
municipality, answer the Digital-Check at 0 and 4. No benchmark figure unlocks for the fifth, the real
municipality's score cannot be read out of it, and the centre's insights stay suppressed too. Once they are
verified (a person at the centre checked them), the same five do count: the figure was held back by the
verification alone."""
import re

from community.auth.models import User
from community.digitalcheck import services
from community.extensions import db
from community.organisations.models import Organisation
from tests.factories import make_org, make_token, make_user, sign_in

PASSWORD = "Sybillen-Passwort-2026"
LAND, CLASS = "13", "5k-20k"


def _register(client, number: int) -> User:
    with client.session_transaction() as session:
        session.clear()  # signed out, as a fresh browser
    response = client.post("/register", data={
        "name": f"Person {number}", "email": f"sybil{number}@example.org", "password": PASSWORD,
        "password_confirmation": PASSWORD, "organisation_name": f"Gemeinde Scheinfeld-{number}",
        "organisation_kind": "municipality", "organisation_type": "gemeinde", "organisation_land": LAND,
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    user = db.session.scalar(db.select(User).filter_by(email=f"sybil{number}@example.org"))
    assert user.organisation is not None and not user.organisation.verified
    return user


def test_five_registered_municipalities_unlock_no_figure_and_reveal_nobody(client):
    real = make_org(name="Stadt Echtheim", land=LAND, population_class=CLASS, verified=True)
    real_answers = {q: 2 for q in services.questionnaire().for_org_type("gemeinde").questions}
    services.create(make_user(real), real_answers, submit=True)  # show_to_peers stays off, the default
    centre = make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde", verified=True)
    consultant = make_user(centre, role="consultant")

    sybils, last = [], None
    for number in range(5):
        user = _register(client, number)
        headers = {"Authorization": f"Bearer {make_token(user)}"}
        assert client.patch("/api/v1/profile", json={"population_class": CLASS},
                            headers=headers).status_code == 200
        level = 0 if number % 2 else 4
        response = client.post("/api/v1/digital-check/assessments", headers=headers, json={
            "answers": {q: level for q in services.questionnaire().for_org_type("gemeinde").questions}, "submit": True})
        assert response.status_code == 201, response.get_json()
        sybils.append(user)
        last = response.get_json()

    # The fifth may see the benchmark, but there is no figure in it: four registered peers and one real.
    assert all(stats is None for stats in last["benchmark"].values()), last["benchmark"]
    assessment = services.get_assessment_for(sybils[-1], last["id"])
    assert all(stats is None for group in services.benchmarks(assessment).values() for stats in group.values())
    sign_in(client, sybils[-1])
    page = client.get(f"/digital-check/{last['id']}").get_data(as_text=True)
    assert "too few comparison values" in page
    assert not re.search(r"\d+ peers", page) and "Stadt Echtheim" not in page
    # Nor in the centre's insights or the anonymised export.
    sign_in(client, consultant)
    insights = client.get("/api/v1/insights", headers={"Authorization": f"Bearer {make_token(consultant)}"})
    cells = [row for row in insights.get_json()["digital_check"]["by_population_class"]
             if row["population_class"] == CLASS]
    assert cells and all(row["suppressed"] and row["median"] is None for row in cells)
    assert not [row for row in services.aggregates() if row[0] in ("land", "population_class")]

    # Verified, the same five count (each once): without the verification rule the figure would show.
    for user in sybils:
        db.session.get(Organisation, user.organisation_id).verified = True
    db.session.commit()
    unlocked = services.benchmarks(assessment)
    assert unlocked["land"]["buergerservices"]["peers"] == 5
    assert unlocked["population_class"]["buergerservices"]["peers"] == 5
