"""Attachments: the type judged from the content (renamed HTML, SVG and executables refused; real PDF, PNG,
DOCX, ODT accepted), the 10 MB limit as a 413 that says so, licences and Stand, the review with the example,
the download's headers, who sees what (404 otherwise) and what happens to the files on deletion."""
import io
import struct
import zipfile
import zlib
from datetime import date, timedelta

import pytest

from community.account.services import export_user_data
from community.attachments import documents, services
from community.attachments.models import Attachment
from community.attachments.storage import storage
from community.consultations.models import Consultation
from community.examples.models import Example
from community.extensions import db
from tests.factories import PASSWORD, make_org, make_token, make_user, sign_in

API = "/api/v1"
TODAY = date.today()  # anchored once for the module
STAND = (TODAY - timedelta(days=30)).isoformat()
EXAMPLE = {"title": "Mobiles Arbeiten in der Verwaltung", "summary": "Eine Dienstvereinbarung, die trägt.",
           "problem": "Regeln fehlten.", "solution": "Eine Dienstvereinbarung mit dem Personalrat.",
           "topics": ["organisation"], "project_status": "completed"}


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def ooxml(main: str, part: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{main}"/></Types>'))
        archive.writestr(part, "<w:document/>")
    return buffer.getvalue()


DOCX = ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
DOCM = ooxml("application/vnd.ms-word.document.macroEnabled.main+xml")
PDF = documents.pdf("Dienstvereinbarung", [("§ 1", ["Geltungsbereich"])])
ODT = documents.odt("Dienstvereinbarung", [("§ 1", ["Geltungsbereich"])])
ODS = documents.ods("WiBA", [["Baustein", "Stand"], ["ORP.1", "offen"]])
ACCEPTED = [("plan.pdf", PDF, "application/pdf"), ("bild.png", png(), "image/png"),
            ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg"),
            ("vorlage.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("dv.odt", ODT, "application/vnd.oasis.opendocument.text"),
            ("wiba.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet")]
REFUSED = [("plan.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
           ("bild.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
           ("vorlage.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
           ("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),
           ("makro.docx", DOCM),
           ("archiv.odt", ooxml("application/xml", "other.xml")),
           ("leer.pdf", b"PK\x03\x04 not a zip at all")]


@pytest.fixture(autouse=True)
def own_storage(app, tmp_path):
    """Each test its own folder, so the files a test counts are its own."""
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    app.extensions.pop("attachments_storage", None)


@pytest.fixture
def people(app):
    town = make_org(name="Stadt Musterhausen", land="09", verified=True)
    centre = make_org(name="Kompetenzzentrum", kind="state", org_type="behoerde")
    other_town = make_org(name="Gemeinde Anderswo", land="05")
    users = {"author": make_user(town), "colleague": make_user(town), "consultant": make_user(centre, role="consultant"),
             "other": make_user(other_town), "moderator": make_user(other_town, role="moderator")}
    tokens = {name: {"Authorization": f"Bearer {make_token(user)}"} for name, user in users.items()}
    return users, tokens, {"town": town, "other": other_town}


def _example(client, tokens, publish=True) -> int:
    response = client.post(f"{API}/examples", json=EXAMPLE, headers=tokens["author"])
    assert response.status_code == 201, response.get_json()
    example_id = response.get_json()["id"]
    if publish:
        assert client.post(f"{API}/examples/{example_id}/review", json={"decision": "publish"},
                           headers=tokens["consultant"]).status_code == 200
    return example_id


def _upload(client, tokens, example_id, name="plan.pdf", content=PDF, who="author", **fields):
    data = {"file": (io.BytesIO(content), name), "licence": "cc-by-4.0", "stand": STAND, **fields}
    return client.post(f"{API}/examples/{example_id}/attachments", data=data, headers=tokens[who],
                       content_type="multipart/form-data")


def _stored_files(app) -> int:
    with app.app_context():
        return len(list(storage().keys()))


# --- the type from the content ----------------------------------------------------------------------


@pytest.mark.parametrize("name, content, content_type", ACCEPTED)
def test_real_files_are_accepted_with_the_type_found_in_their_content(client, people, name, content, content_type):
    _, tokens, _ = people
    example_id = _example(client, tokens)
    response = _upload(client, tokens, example_id, name, content)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "filename", "size", "content_type", "licence", "stand", "status"}
    assert (body["content_type"], body["size"], body["licence"], body["stand"], body["status"]) == (
        content_type, len(content), "cc-by-4.0", STAND, "pending")
    assert body["filename"] == name


@pytest.mark.parametrize("name, content", REFUSED)
def test_renamed_html_svg_executables_and_other_zips_are_refused_with_a_message(client, people, name, content):
    _, tokens, _ = people
    example_id = _example(client, tokens)
    response = _upload(client, tokens, example_id, name, content)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "PDF" in error["fields"]["file"] and "content" in error["fields"]["file"]
    assert db.session.query(Attachment).count() == 0


def test_the_name_follows_the_type_found_not_the_name_sent(client, people):
    _, tokens, _ = people
    response = _upload(client, tokens, _example(client, tokens), "../../etc/bericht.html", PDF)
    assert response.status_code == 201
    assert response.get_json()["filename"] == "bericht.pdf"


@pytest.mark.parametrize("sent, shown", [('a"b;c.pdf', "a_b_c.pdf"), ("C:\\Users\\x\\plan.PDF", "plan.pdf"),
                                         ("\x00\r\n.pdf", "document.pdf"), ("x" * 300 + ".pdf", "x" * 116 + ".pdf")])
def test_names_are_made_safe(sent, shown):
    assert services.safe_filename(sent, "pdf") == shown


def test_a_file_over_10_mb_is_413_saying_the_limit(client, people, app):
    _, tokens, _ = people
    example_id = _example(client, tokens)
    response = _upload(client, tokens, example_id, "gross.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert "10 MB" in response.get_json()["error"]["message"]
    # Within the body's allowance but still over 10 MB: counted while read, the same answer.
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    response = _upload(client, tokens, example_id, "gross.pdf", PDF)
    assert response.status_code == 413 and "MB" in response.get_json()["error"]["message"]
    assert db.session.query(Attachment).count() == 0 and _stored_files(app) == 0


def test_just_under_the_limit_passes_the_body_limit_of_the_rest_of_the_app(client, people, app):
    """The app's MAX_CONTENT_LENGTH (1 MiB) does not apply to uploads; 10 MB do."""
    _, tokens, _ = people
    response = _upload(client, tokens, _example(client, tokens), "gross.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("fields, field", [
    ({"licence": "gpl"}, "licence"), ({"licence": ""}, "licence"), ({"stand": ""}, "stand"),
    ({"stand": "gestern"}, "stand"), ({"stand": (TODAY + timedelta(days=30)).isoformat()}, "stand"),
])
def test_a_missing_or_unknown_licence_or_stand_is_400_naming_it(client, people, fields, field):
    _, tokens, _ = people
    response = _upload(client, tokens, _example(client, tokens), **fields)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_no_file_is_400(client, people):
    _, tokens, _ = people
    response = client.post(f"{API}/examples/{_example(client, tokens)}/attachments",
                           data={"licence": "cc0-1.0", "stand": STAND}, headers=tokens["author"])
    assert response.status_code == 400 and "file" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("licence", [choice.slug for choice in services.LICENCES])
def test_every_licence_is_accepted_and_shown_translated(client, people, german_client, licence):
    users, tokens, _ = people
    example_id = _example(client, tokens, publish=False)
    assert _upload(client, tokens, example_id, licence=licence).status_code == 201
    sign_in(german_client, users["author"], locale="de")
    page = german_client.get(f"/examples/{example_id}").get_data(as_text=True)
    label = {"cc-by-4.0": "CC BY 4.0", "cc0-1.0": "CC0 1.0", "dl-de-by-2.0": "dl-de/by-2-0",
             "dl-de-zero-2.0": "dl-de/zero-2-0", "all-rights-reserved": "Alle Rechte vorbehalten"}[licence]
    assert label in page


# --- the review -------------------------------------------------------------------------------------


def test_an_attachment_is_seen_by_others_only_once_the_example_is_published_with_it(client, people):
    users, tokens, _ = people
    example_id = _example(client, tokens)
    attachment_id = _upload(client, tokens, example_id).get_json()["id"]
    example = db.session.get(Example, example_id)
    assert example.status == "submitted", "a file sends the published example back to review"
    assert example.last_editor_id == users["author"].id
    for who in ("colleague", "consultant", "moderator", "author"):
        assert client.get(f"{API}/attachments/{attachment_id}", headers=tokens[who]).status_code == 200, who
    assert client.get(f"{API}/attachments/{attachment_id}", headers=tokens["other"]).status_code == 404
    assert client.get(f"/attachments/{attachment_id}").status_code == 404
    assert client.get(f"{API}/attachments/{attachment_id}", headers=tokens["other"]).get_json() == \
        client.get(f"{API}/attachments/999999", headers=tokens["other"]).get_json(), "no existence leak"

    assert client.post(f"{API}/examples/{example_id}/review", json={"decision": "publish"},
                       headers=tokens["consultant"]).status_code == 200
    assert db.session.get(Attachment, attachment_id).status == "published"
    assert client.get(f"{API}/attachments/{attachment_id}", headers=tokens["other"]).status_code == 200
    assert client.get(f"/attachments/{attachment_id}").status_code == 200


def test_a_file_added_to_a_draft_waits_for_the_first_review(client, people):
    _, tokens, _ = people
    response = client.post(f"{API}/examples", json={**EXAMPLE, "draft": True}, headers=tokens["author"])
    example_id = response.get_json()["id"]
    attachment_id = _upload(client, tokens, example_id).get_json()["id"]
    assert db.session.get(Example, example_id).status == "draft"
    assert client.get(f"{API}/attachments/{attachment_id}", headers=tokens["other"]).status_code == 404
    assert client.get(f"/attachments/{attachment_id}").status_code == 404


def test_the_uploader_may_not_approve_their_own_file(client, people):
    """Four eyes: a reviewer who adds a file to a colleague's example cannot publish it."""
    users, tokens, orgs = people
    example_id = _example(client, tokens)
    assert _upload(client, tokens, example_id, who="colleague").status_code == 201
    assert client.post(f"{API}/examples/{example_id}/review", json={"decision": "publish"},
                       headers=tokens["colleague"]).status_code == 403


def test_only_the_organisation_adds_files_to_its_example(client, people):
    _, tokens, _ = people
    example_id = _example(client, tokens)
    assert _upload(client, tokens, example_id, who="other").status_code == 403
    assert _upload(client, tokens, example_id, who="consultant").status_code == 403
    unpublished = _example(client, tokens, publish=False)
    assert _upload(client, tokens, unpublished, who="other").status_code == 404


# --- downloads ----------------------------------------------------------------------------------------


def test_downloads_are_attachments_with_their_own_type_and_nosniff(client, people):
    _, tokens, _ = people
    example_id = _example(client, tokens)
    attachment_id = _upload(client, tokens, example_id, "Dienstvereinbarung mobiles Arbeiten.odt", ODT
                            ).get_json()["id"]
    for response in (client.get(f"{API}/attachments/{attachment_id}", headers=tokens["author"]),):
        assert response.status_code == 200
        assert response.data == ODT
        assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.text"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert 'filename="Dienstvereinbarung mobiles Arbeiten.odt"' in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_non_ascii_name_is_sent_encoded(client, people):
    _, tokens, _ = people
    attachment_id = _upload(client, tokens, _example(client, tokens), "Umsetzungsplan für WiBA.pdf").get_json()["id"]
    disposition = client.get(f"{API}/attachments/{attachment_id}", headers=tokens["author"]).headers[
        "Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''Umsetzungsplan%20f%C3%BCr%20WiBA.pdf" in disposition


# --- consultation results -------------------------------------------------------------------------


def _case(people) -> Consultation:
    users, _, orgs = people
    case = Consultation(organisation_id=orgs["town"].id, requester_id=users["author"].id, subject="Mobiles Arbeiten",
                        description="Wie regeln andere das?", topics=["organisation"], urgency="normal",
                        preferred_format="video", status="advised", advice="Eine Dienstvereinbarung.")
    db.session.add(case)
    db.session.commit()
    return case


def test_consultants_attach_files_to_a_result_the_case_sides_see(client, people):
    users, tokens, _ = people
    case = _case(people)
    sign_in(client, users["consultant"])
    form = {"file": (io.BytesIO(ODT), "Muster-DV.odt"), "licence": "cc-by-4.0", "stand": STAND}
    response = client.post(f"/attachments/consultations/{case.id}/new", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    attachment = db.session.scalar(db.select(Attachment))
    assert attachment.status == "published" and attachment.consultation_id == case.id
    assert client.get(f"/consultations/{case.id}").get_data(as_text=True).count("Muster-DV.odt") >= 1
    for who, status in (("author", 200), ("colleague", 200), ("other", 404), ("moderator", 404)):
        assert client.get(f"{API}/attachments/{attachment.id}", headers=tokens[who]).status_code == status, who
    sign_in(client, users["author"])
    assert client.get(f"/attachments/consultations/{case.id}/new").status_code == 403


def test_the_form_shows_a_refused_file_next_to_its_field(client, people):
    users, tokens, _ = people
    example_id = _example(client, tokens)
    sign_in(client, users["author"])
    page = client.get(f"/examples/{example_id}/edit").get_data(as_text=True)
    assert f"/attachments/examples/{example_id}/new" in page
    form = {"file": (io.BytesIO(b"<html><body>x</body></html>"), "plan.pdf"), "licence": "cc-by-4.0",
            "stand": STAND}
    response = client.post(f"/attachments/examples/{example_id}/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and 'aria-invalid="true"' in page and '<label class="kern-label" for="file">' in page
    assert 'value="cc-by-4.0" selected' in page


def test_the_form_says_the_limit_for_a_file_too_large(client, people, app):
    users, tokens, _ = people
    example_id = _example(client, tokens)
    sign_in(client, users["author"])
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    form = {"file": (io.BytesIO(PDF), "plan.pdf"), "licence": "cc-by-4.0", "stand": STAND}
    response = client.post(f"/attachments/examples/{example_id}/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 413 and 'id="file-error"' in response.get_data(as_text=True)


def test_the_page_upload_checks_the_csrf_token_once_the_limit_is_raised(client, people, app):
    users, tokens, _ = people
    example_id = _example(client, tokens)
    sign_in(client, users["author"])
    app.config["WTF_CSRF_ENABLED"] = True
    form = {"file": (io.BytesIO(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)), "plan.pdf"), "licence": "cc-by-4.0",
            "stand": STAND}
    response = client.post(f"/attachments/examples/{example_id}/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 400 and db.session.query(Attachment).count() == 0


# --- deletion ---------------------------------------------------------------------------------------


def test_removing_a_file_deletes_it_from_the_storage(client, people, app):
    users, tokens, _ = people
    example_id = _example(client, tokens)
    attachment_id = _upload(client, tokens, example_id).get_json()["id"]
    assert _stored_files(app) == 1
    sign_in(client, users["other"])
    assert client.post(f"/attachments/{attachment_id}/delete").status_code == 404
    sign_in(client, users["colleague"])
    assert client.post(f"/attachments/{attachment_id}/delete").status_code == 302
    assert db.session.get(Attachment, attachment_id) is None and _stored_files(app) == 0


def test_deleting_the_example_deletes_its_files(client, people, app):
    _, tokens, _ = people
    example_id = _example(client, tokens)
    for name in ("a.pdf", "b.pdf"):
        assert _upload(client, tokens, example_id, name).status_code == 201
    assert _stored_files(app) == 2
    db.session.delete(db.session.get(Example, example_id))
    db.session.commit()
    assert db.session.query(Attachment).count() == 0 and _stored_files(app) == 0


def test_files_left_by_the_databases_cascade_are_swept(client, people, app):
    """An organisation's deletion removes its examples and their rows in the database; the sweep the files."""
    _, tokens, orgs = people
    example_id = _example(client, tokens)
    assert _upload(client, tokens, example_id).status_code == 201
    other = _example(client, tokens)
    kept = _upload(client, tokens, other).get_json()["id"]
    db.session.execute(db.delete(Attachment).where(Attachment.example_id == example_id))
    db.session.commit()
    assert _stored_files(app) == 2
    services.SWEEP_GRACE_SECONDS, grace = 0, services.SWEEP_GRACE_SECONDS
    try:
        assert services.sweep() == 1
    finally:
        services.SWEEP_GRACE_SECONDS = grace
    assert _stored_files(app) == 1
    assert client.get(f"{API}/attachments/{kept}", headers=tokens["author"]).status_code == 200


def test_a_rolled_back_deletion_keeps_the_file(client, people, app):
    _, tokens, _ = people
    attachment_id = _upload(client, tokens, _example(client, tokens)).get_json()["id"]
    db.session.delete(db.session.get(Attachment, attachment_id))
    db.session.flush()
    db.session.rollback()
    assert _stored_files(app) == 1


def test_an_account_deletion_keeps_the_files_with_the_example_and_exports_them_before(client, people, app):
    users, tokens, _ = people
    example_id = _example(client, tokens)
    attachment_id = _upload(client, tokens, example_id, who="colleague").get_json()["id"]
    colleague = users["colleague"]
    exported = export_user_data(colleague)["attachments"]
    assert [row["id"] for row in exported] == [attachment_id] and exported[0]["filename"] == "plan.pdf"
    sign_in(client, colleague)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(colleague.__class__, colleague.id).deleted_at is not None
    assert db.session.get(Attachment, attachment_id) is not None and _stored_files(app) == 1
    assert client.get(f"{API}/attachments/{attachment_id}", headers=tokens["author"]).status_code == 200


def test_deleting_the_example_on_its_page_deletes_its_files_votes_and_index_record(client, people, app):
    from community.examples.models import ExampleVote

    users, tokens, _ = people
    example_id = _example(client, tokens)
    assert _upload(client, tokens, example_id).status_code == 201
    db.session.add(ExampleVote(example_id=example_id, user_id=users["other"].id))
    db.session.commit()
    sign_in(client, users["other"])
    assert client.post(f"/examples/{example_id}/delete").status_code == 403
    sign_in(client, users["colleague"])
    assert f"/examples/{example_id}/delete" in client.get(f"/examples/{example_id}/edit").get_data(as_text=True)
    assert client.get(f"/examples/{example_id}/delete").status_code == 200
    assert client.post(f"/examples/{example_id}/delete").status_code == 302
    assert db.session.get(Example, example_id) is None
    assert db.session.query(Attachment).count() == 0 and db.session.query(ExampleVote).count() == 0
    assert _stored_files(app) == 0
    assert client.get(f"/examples/{example_id}").status_code == 404


def test_file_sizes_are_written_as_the_reader_writes_numbers(app):
    from flask_babel import force_locale

    from community.attachments.routes import file_size

    with app.test_request_context():
        with force_locale("de"):
            assert file_size(1_234_567) == "1,2 MB" and file_size(2_500) == "2,5 kB" and file_size(12) == "12 B"
        with force_locale("en"):
            assert file_size(1_234_567) == "1.2 MB"
