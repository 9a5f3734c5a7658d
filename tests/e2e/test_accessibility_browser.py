"""Accessibility of the pages people use, checked by axe-core (WCAG 2.1 A and AA rules) in Chromium.

Users are civil servants, some with screen readers or high zoom; public bodies in Germany owe
accessible web offers (BITV 2.0). axe-core is injected from the repository (tests/e2e/vendor), never
served to users. A violation of impact "serious" or "critical" fails the test with the rule, the
page and the offending elements; "minor" and "moderate" ones are left to review.
"""
from pathlib import Path

from community.legal.services import AXE_PAGE_GROUPS
from tests.e2e.test_forums_browser import MODERATOR, MODERATOR_PASSWORD, THREAD_LINK, accounts, open_as  # noqa: F401

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}
# The pages the accessibility statement (/barrierefreiheit) names: one list, so the statement says what runs.
PUBLIC_PAGES = AXE_PAGE_GROUPS["public"]
MEMBER_PAGES = AXE_PAGE_GROUPS["member"]
MODERATOR_PAGES = AXE_PAGE_GROUPS["moderator"]


def violations(page, path: str) -> list[str]:
    """The blocking axe violations of the page at `path`, as readable lines."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    page.evaluate(AXE_SOURCE)  # not a <script> tag: the pages' Content-Security-Policy would refuse it
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{path}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in found
            if v["impact"] in BLOCKING]


def test_public_pages_have_no_serious_accessibility_violations(page):
    problems = [line for path in PUBLIC_PAGES for line in violations(page, path)]
    assert problems == [], "\n".join(problems)


def links_in_main(page, prefix):
    return page.locator(f"main a[href^='{prefix}']").evaluate_all("links => links.map(link => link.getAttribute('href'))")


def first_forum_with_a_thread(page):
    """A forum page and a thread in it (the demo's forums do not all have threads)."""
    page.goto("/forums/")
    forums = [href for href in links_in_main(page, "/forums/") if not href.startswith("/forums/threads/")]
    for forum in dict.fromkeys(forums):
        page.goto(forum)
        threads = [href for href in links_in_main(page, "/forums/threads/") if THREAD_LINK.match(href)]
        if threads:
            return forum, threads[0]
    raise AssertionError("no forum of the demo has a thread")


def test_member_pages_have_no_serious_accessibility_violations(open_as, accounts):  # noqa: F811
    member = open_as(*accounts["members"][0])
    paths = list(MEMBER_PAGES)
    member.goto("/account/")
    organisation = member.locator("main a[href^='/organisations/']").first.get_attribute("href")
    paths += [organisation, f"{organisation}/edit", f"{organisation}/members", f"{organisation}/needs/new"]
    member.goto("/rooms")
    paths.append(member.locator("main a[href^='/rooms/']").first.get_attribute("href"))
    forum, thread = first_forum_with_a_thread(member)
    paths += [forum, thread]
    problems = [line for path in paths for line in violations(member, path)]
    assert problems == [], "\n".join(problems)


def test_moderator_pages_have_no_serious_accessibility_violations(open_as, accounts):  # noqa: F811
    moderator = open_as(MODERATOR, MODERATOR_PASSWORD)
    problems = [line for path in MODERATOR_PAGES for line in violations(moderator, path)]
    assert problems == [], "\n".join(problems)



PHONE = {"width": 375, "height": 740}


def phone_problems(page, path: str) -> list[str]:
    """Blocking axe violations at phone size, and sideways scrolling of the page itself
    (a wide table scrolls inside its own box and does not count)."""
    page.set_viewport_size(PHONE)
    problems = violations(page, path)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        problems.append(f"{path}: the page scrolls sideways on a phone ({widths[0]}px > {widths[1]}px)")
    return problems


def test_public_pages_work_on_a_phone(page):
    problems = [line for path in PUBLIC_PAGES for line in phone_problems(page, path)]
    assert problems == [], "\n".join(problems)


def member_paths(member) -> list[str]:
    """The member's own pages that have ids in their address: organisation, its forms, a room,
    a forum, a thread, a need."""
    member.goto("/account/")
    organisation = member.locator("main a[href^='/organisations/']").first.get_attribute("href")
    paths = [organisation, f"{organisation}/edit", f"{organisation}/members", f"{organisation}/needs/new"]
    member.goto(organisation)
    entries = member.locator("main a[href^='/needs/'], main a[href^='/offers/']")
    if entries.count():
        paths.append(entries.first.get_attribute("href"))
    member.goto("/rooms")
    paths.append(member.locator("main a[href^='/rooms/']").first.get_attribute("href"))
    member.goto("/forums/")
    forums = member.locator("main a[href^='/forums/']").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    paths.append(forums[0])
    for forum in forums:  # the first forum with a thread
        member.goto(forum)
        threads = [href for href in member.locator("main a[href^='/forums/threads/']").evaluate_all(
            "links => links.map(link => link.getAttribute('href'))") if THREAD_LINK.match(href)]
        if threads:
            paths.append(threads[0])
            break
    return paths


def test_member_and_moderator_pages_work_on_a_phone(open_as, accounts):  # noqa: F811
    member = open_as(*accounts["members"][0])
    paths = list(MEMBER_PAGES) + member_paths(member)
    problems = [line for path in paths for line in phone_problems(member, path)]
    moderator = open_as(MODERATOR, MODERATOR_PASSWORD)
    problems += [line for path in MODERATOR_PAGES for line in phone_problems(moderator, path)]
    assert problems == [], "\n".join(problems)


def test_consultation_and_insights_pages_work_on_a_phone(open_as, live_server):  # noqa: F811
    from tests.e2e.test_consultations_browser import CONSULTANT, REQUESTER, demo_password

    password = demo_password(live_server)
    requester, consultant = open_as(REQUESTER, password), open_as(CONSULTANT, password)
    consultant.goto("/consultations/")
    case = consultant.locator("#consultation-queue a[href^='/consultations/']").first.get_attribute("href")
    problems = [line for path in ("/consultations/", "/consultations/new", case)
                for line in phone_problems(requester, path)]
    problems += [line for path in ("/", "/consultations/?status=requested", case, "/insights/")
                 for line in phone_problems(consultant, path)]
    assert problems == [], "\n".join(problems)


ADMIN_PAGES = ("/", "/admin/organisations", "/admin/join-requests", "/moderation/moderators", "/admin/users",
               "/admin/users/audit", "/admin/users/1", "/account/second-factor")


def test_admin_pages_are_accessible_and_work_on_a_phone(open_as, live_server):  # noqa: F811
    from tests.e2e.test_consultations_browser import demo_password

    admin = open_as("admin@demo.example.org", demo_password(live_server))
    problems = [line for path in ADMIN_PAGES for line in violations(admin, path)]
    problems += [line for path in ADMIN_PAGES for line in phone_problems(admin, path)]
    assert problems == [], "\n".join(problems)


def test_consultation_and_insights_pages_have_no_serious_accessibility_violations(open_as, live_server):  # noqa: F811
    from tests.e2e.test_consultations_browser import CONSULTANT, REQUESTER, demo_password

    password = demo_password(live_server)
    requester, consultant = open_as(REQUESTER, password), open_as(CONSULTANT, password)
    consultant.goto("/consultations/")
    case = consultant.locator("#consultation-queue a[href^='/consultations/']").first.get_attribute("href")
    problems = [line for path in ("/consultations/", "/consultations/new", case)
                for line in violations(requester, path)]
    problems += [line for path in ("/", "/consultations/?status=requested", case, "/insights/")
                 for line in violations(consultant, path)]
    assert problems == [], "\n".join(problems)


def test_mail_pages_have_no_serious_accessibility_violations(open_as, live_server):  # noqa: F811
    """Mail settings (a member), the outbox (the platform admin), an unsubscribe page, also at phone size."""
    from tests.e2e.test_consultations_browser import REQUESTER, demo_password

    password = demo_password(live_server)
    member, admin = open_as(REQUESTER, password), open_as("admin@demo.example.org", password)
    from itsdangerous import URLSafeSerializer

    # The live server signs with "live-test-secret" (tests/live_server.py); user 1 exists in the demo.
    unsubscribe = "/mail/unsubscribe/" + URLSafeSerializer("live-test-secret", salt="mail-unsubscribe").dumps(
        {"u": 1, "c": "matches"})
    problems = [line for line in violations(member, "/account/mail")]
    problems += [line for line in violations(admin, "/admin/mail")]
    problems += [line for line in violations(member, unsubscribe)]
    problems += [line for line in phone_problems(member, "/account/mail")]
    problems += [line for line in phone_problems(admin, "/admin/mail")]
    problems += [line for line in phone_problems(member, unsubscribe)]
    assert problems == [], "\n".join(problems)


def digital_check_pages(page) -> list[str]:
    """The Digitalkompass's overview, a result, the first step and the closing step of a draft."""
    page.goto("/digital-check/")
    paths = ["/digital-check/", page.locator("main a[href^='/digital-check/']", has_text="Ergebnis öffnen").first
             .get_attribute("href")]
    start = page.get_by_role("button", name="Digitalkompass beginnen")
    if start.count():
        start.click()
    else:
        page.get_by_role("link", name="Digitalkompass fortsetzen").click()
    first_step = "/" + page.url.split("/", 3)[3]
    return paths + [first_step, first_step.replace("/steps/1", "/steps/11")]  # ten fields, then the closing step


def test_digital_check_pages_have_no_serious_accessibility_violations(open_as, live_server):  # noqa: F811
    from tests.e2e.test_consultations_browser import REQUESTER, demo_password

    member = open_as(REQUESTER, demo_password(live_server))
    paths = digital_check_pages(member)
    problems = [line for path in paths for line in violations(member, path)]
    problems += [line for path in paths for line in phone_problems(member, path)]
    assert problems == [], "\n".join(problems)


def test_good_example_pages_have_no_serious_accessibility_violations(open_as, live_server):  # noqa: F811
    """The author's own example (in review, and its edit form), the reviewers' page of it, at both sizes."""
    from tests.e2e.test_consultations_browser import CONSULTANT, REQUESTER, demo_password

    password = demo_password(live_server)
    author, consultant = open_as(REQUESTER, password), open_as(CONSULTANT, password)
    consultant.goto("/examples/review")
    review = consultant.locator("main table a[href$='/review']").first.get_attribute("href")
    own = review.removesuffix("/review")
    problems = [line for path in ("/examples/?status=submitted", own, f"{own}/edit") for line in violations(author, path)]
    problems += [line for path in ("/examples/review", review) for line in violations(consultant, path)]
    problems += [line for path in (own, f"{own}/edit") for line in phone_problems(author, path)]
    problems += [line for path in ("/examples/review", review) for line in phone_problems(consultant, path)]
    assert problems == [], "\n".join(problems)


def test_event_pages_have_no_serious_accessibility_violations_also_on_a_phone(open_as, live_server):  # noqa: F811
    from tests.e2e.test_consultations_browser import CONSULTANT, REQUESTER, demo_password

    password = demo_password(live_server)
    member, organiser = open_as(REQUESTER, password), open_as(CONSULTANT, password)
    member.goto("/events/")
    event = member.locator("#event-list a[href^='/events/']").first.get_attribute("href")
    organiser.goto("/events/")
    own = [href for href in links_in_main(organiser, "/events/") if href.rstrip("/").split("/")[-1].isdigit()]
    organiser_paths = []
    for href in own:
        organiser.goto(href)
        if organiser.locator("a[href$='/participants']").count():
            organiser_paths = [href, f"{href}/participants", f"{href}/edit"]
            break
    assert organiser_paths, "the demo consultant organises no event"
    member_paths = ["/events/", event, "/events/new", "/events/calendar"]
    problems = [line for path in member_paths for line in violations(member, path)]
    problems += [line for path in organiser_paths for line in violations(organiser, path)]
    problems += [line for path in member_paths for line in phone_problems(member, path)]
    problems += [line for path in organiser_paths for line in phone_problems(organiser, path)]
    assert problems == [], "\n".join(problems)
