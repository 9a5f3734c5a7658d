"""Edge input is never a 500 (docs/security.md, hole 7): ids beyond 2^31-1 in routes and socket events, lone
surrogates and deep nesting in JSON, oversized socket payloads, and the language switch's `next`."""
import pytest
from werkzeug.routing import IntegerConverter

from community.validation import MAX_ID
from tests.factories import make_org, make_room, make_token, make_user, sign_in, socket_client

HUGE = [MAX_ID + 1, 2**63, 10**30]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", ["/organisations/{}", "/rooms/{}", "/forums/threads/{}", "/api/v1/organisations/{}"])
def test_ids_beyond_the_columns_are_404_in_every_route(app, client, path, number):
    user = make_user(make_org())
    sign_in(client, user)
    response = client.get(path.format(number), headers={"Authorization": f"Bearer {make_token(user)}"})
    assert response.status_code == 404


@pytest.mark.parametrize("number", [MAX_ID + 1, 10**30])
@pytest.mark.parametrize("method, path", [("patch", "/api/v1/events/{}"), ("delete", "/api/v1/events/{}/registrations/mine"),
                                          ("post", "/api/v1/examples/{}/review")])
def test_ids_beyond_the_columns_are_404_for_every_method_not_405(app, client, method, path, number):
    user = make_user(make_org())
    response = getattr(client, method)(path.format(number), headers={"Authorization": f"Bearer {make_token(user)}"},
                                       json={})
    assert response.status_code == 404


def test_the_bounded_converter_matches_exactly_the_ids_up_to_the_bound():
    import re

    from community.validation import IdConverter

    pattern = re.compile(f"(?:{IdConverter.regex})")
    for number in (*range(0, 2100), 999_999_999, 1_999_999_999, 2_147_483_600, MAX_ID - 1, MAX_ID):
        assert pattern.fullmatch(str(number)), number
    for number in (MAX_ID + 1, 2_147_483_650, 2_147_484_000, 2_200_000_000, 9_999_999_999, 10**30):
        assert not pattern.fullmatch(str(number)), number


def test_every_int_route_uses_the_bounded_converter(app):
    converters = [converter for rule in app.url_map.iter_rules() for converter in rule._converters.values()
                  if isinstance(converter, IntegerConverter)]
    assert converters and all(converter.max == MAX_ID for converter in converters)


@pytest.mark.parametrize("number", HUGE)
def test_huge_ids_in_query_strings_are_no_500(app, client, number):
    user = make_user(make_org())
    room = make_room("partner", [user])
    sign_in(client, user)
    assert client.get(f"/rooms/{room.id}/messages.json?before={number}").status_code in (200, 400)


@pytest.fixture
def socket(app):
    user = make_user(make_org())
    room = make_room("partner", [user])
    return socket_client(app, user), room


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("event, field", [("join", "room_id"), ("sync", "room_id"), ("edit", "message_id"),
                                          ("delete", "message_id"), ("watch_thread", "thread_id")])
def test_huge_ids_in_socket_events_get_an_error_ack(socket, event, field, number):
    client, _room = socket
    payload = {field: number, **({"body": "x"} if event == "edit" else {})}
    ack = client.emit(event, payload, callback=True)
    assert ack["error"]["code"] == "invalid"


def test_a_lone_surrogate_in_a_socket_message_gets_an_error_ack(socket):
    client, room = socket
    ack = client.emit("send", {"room_id": room.id, "body": "kaputt \ud800"}, callback=True)
    assert ack["error"]["code"] == "invalid"


def test_deeply_nested_socket_payloads_get_an_error_ack(socket):
    client, room = socket
    nested: list = []
    for _level in range(40):
        nested = [nested]
    ack = client.emit("send", {"room_id": room.id, "body": "x", "client_id": nested}, callback=True)
    assert ack["error"]["code"] == "invalid"


def test_oversized_socket_payloads_are_refused(socket):
    client, room = socket
    ack = client.emit("send", {"room_id": room.id, "body": "x", "padding": "y" * 100_000}, callback=True)
    assert ack["error"]["code"] == "too_large"


@pytest.fixture
def api(app):
    user = make_user(make_org(), is_org_admin=True)
    return {"Authorization": f"Bearer {make_token(user)}", "Content-Type": "application/json"}


@pytest.mark.parametrize("body", [
    '{"name": "kaputt \\ud800"}',
    '{"\\udfff": 1}',
    "[" * 50_000 + "]" * 50_000,
    '{"name": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}",
])
def test_lone_surrogates_and_deep_nesting_in_json_are_400(app, client, api, body):
    response = client.patch("/api/v1/profile", data=body, headers=api)
    assert response.status_code == 400
    assert response.json["error"]["code"]


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "\\\\evil.example", "/\\evil.example",
                                    "https:evil.example", "https://evil.example/", " //evil.example"])
def test_the_language_switch_stays_on_the_site(client, target):
    response = client.post("/language/en", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_language_switch_returns_to_a_page_of_the_site(client):
    assert client.post("/language/en", data={"next": "/organisations?page=2"}).headers["Location"] == "/organisations?page=2"


def test_every_text_field_refuses_a_lone_surrogate_whatever_path_it_came_by():
    from community.validation import Text

    with pytest.raises(ValueError):
        Text(20).clean("Bau\ud800antrag")
    assert Text(20).clean("Bauantrag für Größen") == "Bauantrag für Größen"
