"""The header navigation: at most six entries, the centre's offers and the staff tools in groups, and each link
shown to exactly the people the same permission check showed it to before the grouping."""
import re

from tests.factories import make_org, make_user, sign_in

GROUP = re.compile(r'<summary[^>]*>([^<]+)</summary>\s*<ul class="kn-nav__sublist">(.*?)</ul>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def navigation(client) -> tuple[list[str], dict[str, list[str]]]:
    """The wide row's entries (link targets and group names, in order) and each group's link targets."""
    page = client.get("/").get_data(as_text=True)
    row = page.split('<ul class="kn-nav__list kn-nav__wide">', 1)[1].split('<details class="kn-nav__menu">', 1)[0]
    groups = {label.strip(): HREF.findall(links) for label, links in GROUP.findall(row)}
    entries = []
    for item in re.split(r"<li(?= |>)", row)[1:]:
        if 'class="kn-nav__group"' in item:
            entries.append(GROUP.search(row[row.index(item):]).group(1).strip())
        elif 'class="kn-nav__link"' in item and "kn-nav__sublist" not in item:
            entries.append(HREF.search(item).group(1))
    top = [entry for entry in entries if not any(entry in links for links in groups.values())]
    return top, groups


def test_a_guest_sees_the_directory_forums_and_the_centres_public_offers(client, app):
    top, groups = navigation(client)
    assert top == ["/organisations", "/forums/", "Competence Centre"]
    assert groups == {"Competence Centre": ["/examples/", "/events/", "/programmes"]}


def test_a_member_of_a_public_body_finds_their_consultations_and_the_digital_check_with_the_centre(client, app):
    sign_in(client, make_user(make_org()))
    top, groups = navigation(client)
    assert len(top) <= 6 and "Administration" not in groups
    assert groups["Competence Centre"] == ["/digital-check/", "/consultations/", "/examples/", "/events/",
                                           "/programmes"]
    assert groups["My network"] == ["/suggestions", "/contacts"]


def test_an_admin_has_six_entries_and_every_staff_tool_in_one_group(client, app):
    sign_in(client, make_user(make_org(), role="admin"))
    top, groups = navigation(client)
    assert len(top) == 6, top
    assert top[-2:] == ["Competence Centre", "Administration"]
    assert "/insights/" in groups["Competence Centre"] and "/consultations/" not in groups["Competence Centre"]
    assert groups["Administration"] == ["/admin/organisations?verified=0", "/consultations/", "/moderation/queue",
                                        "/admin/mail", "/admin/users"]


def test_a_moderator_gets_only_the_moderation_queue_as_staff_tool(client, app):
    sign_in(client, make_user(make_org(), role="moderator"))
    _, groups = navigation(client)
    assert groups["Administration"] == ["/moderation/queue"] and "/insights/" not in groups["Competence Centre"]
