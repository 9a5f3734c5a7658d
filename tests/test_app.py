"""The application factory and the pages every visitor sees."""


def test_home_page_is_german_by_default(german_client):
    response = german_client.get("/")
    assert response.status_code == 200
    assert b'<html lang="de">' in response.data


def test_health_check_reaches_the_database_and_names_the_version(client):
    from community.operations.version import version

    assert client.get("/healthz").get_json() == {"status": "ok", "version": version()}


def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
