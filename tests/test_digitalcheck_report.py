"""The Digital-Check's PDF report (#25): rendered to PNG, its table is dark text on light ground; its text
has the radar's Ist and Soll, every word whole (no "Prioritä|t"), the top fields, the proposed and adopted
needs and the recommendations. The radar's labels fit its drawing at any length."""
import re
import subprocess
from html.parser import HTMLParser

import pytest
from PIL import Image

from community.digitalcheck import charts, pdf, services
from community.digitalcheck.routes import _with_advice, result_context
from tests.factories import make_offer, make_org, make_user, sign_in

DPI = 150


@pytest.fixture
def report(app, client, tmp_path):
    """A submitted check with a weak first field, an offer for its proposed need and one adopted need."""
    town = make_org(name="Gemeinde Musterdorf", population_class="5k-20k", land="09")
    first = services.questionnaire().dimensions[0]
    need = next(q.need for q in first.questions if q.need is not None)
    make_offer(make_org(name="Bauportal GmbH", kind="company", org_type="hersteller"), title=str(need.title.de),
               body=str(need.text.de), topics=list(need.topics))
    member = make_user(town)
    assessment = services.create(member, {q: 0 for q in services.questionnaire_for(organisation=town).questions},
                                 {first.slug: 3},
                                 submit=True)
    adopted = services.proposed_needs(assessment)[-1]
    services.adopt(member, assessment, [adopted["key"]])
    sign_in(client, member, locale="de")
    response = client.get(f"/digital-check/{assessment.id}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    return {"path": path, "assessment": assessment, "offer": str(need.title.de), "adopted": adopted["title"],
            "member": member}


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def test_the_report_has_the_radar_the_table_the_needs_and_the_recommendations(report):
    text = _text(report["path"])
    for heading in ("Werte je Handlungsfeld", "Ihre wichtigsten Handlungsfelder", "Angebote zu den vorgeschlagenen Bedarfen",
                    "Aus diesem Check übernommene Bedarfe", "Vorgeschlagene Bedarfe", "barrierefreie"):
        assert heading in " ".join(text.split()), heading
    flat = " ".join(text.split())
    assert report["offer"] in flat and "Anbieter: Bauportal GmbH" in flat and report["adopted"] in flat


def test_no_word_in_the_report_is_broken(report):
    words = _words(_text(report["path"]))
    expected = ["Handlungsfeld", "Wert", "Priorität", "Handlungsbedarf", "Gleiche", "Größenklasse", "Gleiches",
                "Land", "Vergleichswerte"]
    expected += [word for d in services.questionnaire().dimensions for word in re.findall(r"\w+", str(d.label.de))]
    missing = [word for word in expected if word not in words]
    assert not missing, missing


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


class _Boxes(HTMLParser):
    """Word boxes of `pdftotext -bbox`: (page, word, xMin, yMin, xMax, yMax) in points."""

    def __init__(self):
        super().__init__()
        self.page, self.current, self.words = 0, None, []

    def handle_starttag(self, tag, attrs):
        if tag == "page":
            self.page += 1
        elif tag == "word":
            self.current = {name: float(value) for name, value in attrs}

    def handle_data(self, data):
        if self.current is not None:
            box = self.current
            self.words.append((self.page, data.strip(), box["xmin"], box["ymin"], box["xmax"], box["ymax"]))
            self.current = None


def test_the_table_is_dark_text_on_light_ground_in_the_rendered_png(report, tmp_path):
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(report["path"]), str(tmp_path / "page")], check=True)
    boxes = _Boxes()
    boxes.feed(subprocess.run(["pdftotext", "-bbox", str(report["path"]), "-"], check=True, capture_output=True,
                              text=True).stdout)
    heads = [w for w in boxes.words if w[1] in ("Priorität", "Handlungsbedarf", "Größenklasse")]
    labels = [w for w in boxes.words if w[1] == str(services.questionnaire().dimensions[0].label.de).split()[0]]
    assert heads and labels
    pages = sorted(tmp_path.glob("page-*.png"))
    scale = DPI / 72
    for page, word, x0, y0, x1, y1 in heads + labels:
        image = Image.open(pages[page - 1]).convert("RGB")
        crop = image.crop((int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1, int(y1 * scale) + 1))
        colours = crop.getcolors(crop.width * crop.height)
        ground = max(colours)[1]  # the most frequent colour: the cell's fill
        ink = min((colour for _n, colour in colours), key=_luminance)
        light, dark = sorted((_luminance(ground), _luminance(ink)), reverse=True)
        assert _luminance(ground) > 0.6, (word, ground)  # light ground
        assert (light + 0.05) / (dark + 0.05) >= 7, (word, ground, ink)


def test_the_report_draws_a_soll_series_when_targets_are_given(app, report, tmp_path):
    with app.test_request_context():
        from flask_login import login_user
        login_user(report["member"])
        context = result_context(report["assessment"])
        for field in context["result"]["fields"]:
            field["target"] = 3
        context["radar"] = charts.radar([(r["slug"], r["label"]) for r in context["rows"]], context["result"]["scores"],
                                        None, charts.targets_of(context["result"]["fields"]))
        body = pdf.render(_with_advice(context))
    path = tmp_path / "target.pdf"
    path.write_bytes(body)
    text = " ".join(_text(path).split())
    assert context["radar"]["target"] and "Ihr Ziel (Soll)" in text
    assert "Ziel (Soll) Priorität" in text and "75" in text  # the table's Soll column: level 3 is 75 points
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "soll")], check=True)
    image = Image.open(next(tmp_path.glob("soll*.png"))).convert("RGB")
    green = sum(n for n, (r, g, b) in image.getcolors(image.width * image.height) if g > 80 and r < 60 and b < 100)
    assert green > 50  # the dotted Soll line of the radar and its legend


def test_the_result_page_says_it_is_the_accessible_version(client, report):
    sign_in(client, report["member"])
    html = client.get(f"/digital-check/{report['assessment'].id}").get_data(as_text=True)
    assert "accessible version" in html and "report.pdf" in html


LONG = ["Infrastruktur, Informationssicherheit und Datenschutz im Verbund",
        "Bürgerservices", "Donaudampfschifffahrtsgesellschaftskapitänsmütze", "Recht, Sicherheit und Datenschutz",
        "Organisation, Personal und Fachkräftegewinnung", "Strategie und Steuerung", "Daten und Smart City",
        "Beteiligung und digitale Gremienarbeit", "Mobilität", "Energie"]


@pytest.mark.parametrize("count", [3, 5, 8, 9, 10])
def test_radar_labels_are_whole_and_inside_the_drawing(count):
    dimensions = [(f"d{i}", label) for i, label in enumerate(LONG[:count])]
    radar = charts.radar(dimensions, {slug: 50 for slug, _l in dimensions}, targets={"d0": 75})
    left, top, width, height = radar["view_box"]
    for axis in radar["axes"]:
        assert " ".join(text for _y, text in axis.lines) == axis.label  # wrapped at spaces, nothing cut
        assert all(len(text) <= charts.LABEL_CHARS or " " not in text for _y, text in axis.lines)
        x0, y0, x1, y1 = axis.box()
        assert left <= x0 and x1 <= left + width and top <= y0 and y1 <= top + height, axis.label
    assert radar["target"]


def test_the_result_page_charts_have_no_truncated_label(client, report):
    sign_in(client, report["member"])
    html = client.get(f"/digital-check/{report['assessment'].id}").get_data(as_text=True)
    start = html.index('class="kn-dc-radar"')
    svg = html[start:html.index("</svg>", start)]
    assert "…" not in svg and "<tspan" in svg
    start = html.index('class="kn-dc-bars"')
    bars = html[start:html.index("</svg>", start)]
    for dimension in services.questionnaire().dimensions:
        for word in str(dimension.label.en).split():
            assert word in svg and word in bars
    assert "…" not in bars
