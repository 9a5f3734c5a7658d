"""The demo's templates: real files (their type found from their content), CC BY 4.0 with a Stand, published on
demo examples and on an advised consultation, downloadable by whoever sees them."""
import io

from community.attachments import sniffing
from community.attachments.models import Attachment
from community.attachments.storage import storage
from community.extensions import db
from tests.test_seed_demo import demo  # noqa: F401  (the seeded demo, once per module)


def test_the_demo_attaches_real_templates_under_cc_by(demo):  # noqa: F811
    rows = db.session.scalars(db.select(Attachment).order_by(Attachment.id)).all()
    assert len(rows) >= 4
    assert {row.filename.rsplit(".", 1)[1] for row in rows} >= {"odt", "ods", "pdf"}
    assert any(row.consultation_id for row in rows) and sum(1 for row in rows if row.example_id) >= 3
    for row in rows:
        assert (row.licence, row.status, row.is_demo) == ("cc-by-4.0", "published", True)
        assert row.stand is not None
        with storage().open(row.storage_key) as stored:
            content = stored.read()
        assert len(content) == row.size
        assert sniffing.sniff(io.BytesIO(content)).content_type == row.content_type


def test_a_demo_template_is_on_its_example_page_and_downloads_for_anyone(demo):  # noqa: F811
    row = db.session.scalar(db.select(Attachment).where(Attachment.filename.like("Dienstvereinbarung%")))
    client = demo.app.test_client()
    page = client.get(f"/examples/{row.example_id}").get_data(as_text=True)
    assert row.filename in page and "CC BY 4.0" in page
    response = client.get(f"/attachments/{row.id}")
    assert response.status_code == 200 and response.headers["Content-Type"] == row.content_type
