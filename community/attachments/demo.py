"""The demo's templates to re-use: short, real-shaped documents written by us (CC BY 4.0), generated in code at
seed time (documents.py) and attached, published, to the demo's good examples and to an advised consultation.
They are outlines to adapt, not legal advice; each says so on its first page."""
from datetime import timedelta

import sqlalchemy as sa

from community.attachments import documents, services
from community.attachments.models import PUBLISHED, Attachment
from community.attachments.storage import storage
from community.consultations.models import Consultation
from community.examples.models import Example
from community.extensions import db
from community.models_base import utcnow

NOTE = ("Muster des Kommunalnetz-Demos, Lizenz CC BY 4.0. Eine Gliederung zum Anpassen, keine Rechtsberatung: "
        "vor Abschluss mit Personalrat, Datenschutz und Rechtsamt abstimmen.")

DIENSTVEREINBARUNG = ("Dienstvereinbarung mobiles Arbeiten (Muster)", [
    ("Hinweis", [NOTE]),
    ("§ 1 Geltungsbereich", ["Die Vereinbarung gilt für alle Beschäftigten der Verwaltung, deren Aufgaben "
                             "ganz oder teilweise außerhalb der Dienststelle erledigt werden können."]),
    ("§ 2 Begriffe", ["Mobiles Arbeiten ist Arbeit außerhalb der Dienststelle mit dienstlichen Geräten; "
                      "Telearbeit mit fest eingerichtetem häuslichen Arbeitsplatz ist nicht Gegenstand."]),
    ("§ 3 Freiwilligkeit und Umfang", ["Mobiles Arbeiten ist freiwillig. Bis zu drei Tage je Woche sind möglich, "
                                       "soweit dienstliche Belange nicht entgegenstehen."]),
    ("§ 4 Erreichbarkeit und Arbeitszeit", ["Es gelten die Regeln der Dienstvereinbarung Arbeitszeit; Kernzeiten "
                                            "der Erreichbarkeit legt die Organisationseinheit fest."]),
    ("§ 5 Datenschutz und Informationssicherheit", ["Gearbeitet wird nur mit dienstlichen Geräten über VPN; "
                                                   "Papierunterlagen mit personenbezogenen Daten bleiben in der "
                                                   "Dienststelle."]),
    ("§ 6 Arbeitsschutz", ["Die Beschäftigten werden zu ergonomischem Arbeiten unterwiesen (Unterweisung "
                           "jährlich)."]),
    ("§ 7 Desksharing", ["Arbeitsplätze in der Dienststelle werden über ein Buchungssystem geteilt."]),
    ("§ 8 Evaluation und Laufzeit", ["Die Vereinbarung wird nach zwölf Monaten gemeinsam ausgewertet und kann mit "
                                     "einer Frist von drei Monaten gekündigt werden."]),
])

WIBA_ROWS = [
    ["Prüfthema (WiBA)", "Verantwortlich", "Stand", "Nächster Schritt", "Bis"],
    ["Backup", "IT-Leitung", "teilweise", "Offline-Sicherung wöchentlich, Wiederherstellung testen", "Q1"],
    ["Bürosoftware", "IT", "umgesetzt", "Makros nur signiert zulassen", "Q1"],
    ["Drucker und Multifunktionsgeräte", "IT", "offen", "Standardpasswörter ändern, Firmware aktualisieren", "Q2"],
    ["Rollen und Berechtigungen", "Hauptamt", "teilweise", "Admin-Konten trennen, jährliche Rezertifizierung", "Q2"],
    ["Mobiles Arbeiten", "Hauptamt", "umgesetzt", "VPN-Pflicht in der Dienstvereinbarung festhalten", "Q1"],
    ["Notfallmanagement", "ISB", "offen", "Notfallhandbuch und Meldewege, Übung mit dem Krisenstab", "Q3"],
    ["Sensibilisierung", "ISB", "teilweise", "Phishing-Übung und Schulung aller Beschäftigten", "Q2"],
    ["Client", "IT", "umgesetzt", "Updates zentral, lokale Adminrechte entziehen", "Q1"],
]

STELLENBESCHREIBUNG = ("Stellenbeschreibung Informationssicherheitsbeauftragte/r (Muster, interkommunal)", [
    ("Hinweis", [NOTE]),
    ("Organisatorische Einordnung", ["Stabsstelle, der Verwaltungsleitung unmittelbar unterstellt; für mehrere "
                                     "Gemeinden auf Grundlage einer öffentlich-rechtlichen Vereinbarung tätig."]),
    ("Aufgaben", ["Aufbau und Fortschreibung des Informationssicherheitsmanagements (BSI IT-Grundschutz, "
                  "Einstieg über den Weg in die Basis-Absicherung, WiBA) – 40 %",
                  "Beratung der Verwaltungsleitung und der Fachämter, Sicherheitskonzepte – 25 %",
                  "Sensibilisierung und Schulung der Beschäftigten – 15 %",
                  "Behandlung von Sicherheitsvorfällen, Notfallvorsorge – 10 %",
                  "Berichte an die Verwaltungsleitungen der beteiligten Gemeinden – 10 %"]),
    ("Anforderungen", ["Studium der Informatik oder Verwaltungsinformatik oder vergleichbare Erfahrung; "
                       "Kenntnisse des BSI IT-Grundschutzes; Zertifikat als IT-Grundschutz-Praktiker erwünscht."]),
])

LEISTUNGSBESCHREIBUNG = ("Leistungsbeschreibung Online-Terminvergabe (Gliederung)", [
    ("Hinweis", [NOTE]),
    ("1 Ausgangslage", ["Bürgerbüro mit vier Schaltern, etwa 150 Vorsprachen am Tag, Terminvergabe bisher "
                        "telefonisch."]),
    ("2 Leistungsumfang", ["Online-Buchung, Erinnerung per E-Mail und SMS, Aufrufsystem, Kontingente für "
                           "Spontanbesuche, Statistik ohne Personenbezug."]),
    ("3 Anforderungen", ["Barrierefreiheit nach BITV 2.0, Betrieb in einem Rechenzentrum in Deutschland, "
                         "Auftragsverarbeitung nach Art. 28 DSGVO, Anbindung an das Fachverfahren Meldewesen."]),
    ("4 Zuschlagskriterien", ["Preis 40 %, Bedienbarkeit (Praxistest) 40 %, Umsetzungskonzept 20 %."]),
])

BERATUNG = ("Checkliste nach der Erstberatung: Digitaler Bauantrag", [
    ("Hinweis", [NOTE]),
    ("Vor dem Start", ["Zuständigkeit klären: Online-Dienst des Landes oder eigener Antragsassistent?",
                       "XBau-Schnittstelle des Fachverfahrens beim Hersteller anfragen."]),
    ("Die ersten drei Monate", ["Digitale Bauakte für Stellungnahmen einrichten",
                                "Architektenkammer und Planungsbüros informieren",
                                "Kennzahlen festlegen: Bearbeitungszeit, Anteil digitaler Anträge"]),
])

# (the start of a demo example's title in community/examples/data/demo_examples.jsonl, file name, bytes)
FOR_EXAMPLES = (
    ("Mobiles Arbeiten mit Dienstvereinbarung", "Dienstvereinbarung mobiles Arbeiten (Muster).odt",
     lambda: documents.odt(*DIENSTVEREINBARUNG)),
    ("Informationssicherheit nach BSI-Grundschutz", "WiBA-Umsetzungsplan.ods",
     lambda: documents.ods("WiBA-Umsetzungsplan", WIBA_ROWS)),
    ("Gemeinsamer Informationssicherheitsbeauftragter", "Stellenbeschreibung ISB interkommunal.pdf",
     lambda: documents.pdf(*STELLENBESCHREIBUNG)),
    ("Online-Terminvergabe im Bürgerbüro", "Leistungsbeschreibung Online-Terminvergabe.pdf",
     lambda: documents.pdf(*LEISTUNGSBESCHREIBUNG)),
)


def _attach(content: bytes, filename: str, stand, **parent) -> Attachment:
    import io

    from community.attachments.sniffing import sniff

    stream = io.BytesIO(content)
    kind = sniff(stream)
    key = services.new_key()
    storage().save(key, stream)
    row = Attachment(filename=filename, storage_key=key, size=len(content), content_type=kind.content_type,
                     licence="cc-by-4.0", stand=stand, status=PUBLISHED, published_at=utcnow(), is_demo=True,
                     **parent)
    db.session.add(row)
    return row


def seed_attachments(world=None) -> list[Attachment]:
    stand = (utcnow() - timedelta(days=45)).date()
    rows = []
    for title, filename, build in FOR_EXAMPLES:
        example = db.session.scalar(sa.select(Example).where(Example.is_demo.is_(True), Example.title.startswith(title),
                                                             Example.published_at.is_not(None)).limit(1))
        if example is not None:
            rows.append(_attach(build(), filename, stand, example_id=example.id))
    case = db.session.scalar(sa.select(Consultation).where(Consultation.is_demo.is_(True),
                                                           Consultation.status.in_(("advised", "closed")))
                             .order_by(Consultation.id).limit(1))
    if case is not None:
        rows.append(_attach(documents.pdf(*BERATUNG), "Checkliste nach der Erstberatung.pdf", stand,
                            consultation_id=case.id))
    db.session.commit()
    return rows
