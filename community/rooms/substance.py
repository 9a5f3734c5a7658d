"""What a room's talk is about: its words of substance, without the small talk around them.

Live matches are built from these words only. Arranging a meeting ("passt Ihnen Donnerstag 10 Uhr?"),
greeting, thanking or agreeing says nothing about what the room needs, yet each of those words can
occur in some organisation's name or text ("Donnersbergkreis", "Stadt Trier ... passt"). A match must
then meet at least one of the remaining words as a whole word or a real compound part
(`community.search.words`): a shared fragment alone is never a match.
"""
import re

from community.search.words import fold, surface_words

# Folded forms (lower case, umlauts spelled out). Words of arranging, greeting, thanking, agreeing and
# chatting in German and English; the matching stop list already drops articles, pronouns and particles.
SMALL_TALK = frozenset("""
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag wochenende werktag werktags
januar februar maerz april mai juni juli august september oktober november dezember
heute morgen uebermorgen gestern vorgestern abend abends vormittag vormittags nachmittag nachmittags mittag
mittags frueh spaet spaeter gleich sofort bald demnaechst naechste naechsten naechster woche wochen tag tage
tagen monat monats jahr uhr uhrzeit zeit zeitpunkt minute minuten stunde stunden viertel halb halbe
termin termine terminvorschlag slot kalender einladung treffen telefonat telefonieren anrufen rueckruf
call meeting
hallo hi hey moin servus gruess gruesse gruss gruessen gruessgott liebe lieber liebes guten gute guter
tag morgen abend danke dank dankeschoen vielen vielmals bitte bitteschoen gern gerne herzlich herzliche
herzlichen beste besten viele freundliche freundlichen mfg vg lg tschuess ciao
ja nein ok okay super prima toll klasse perfekt passt passen passend genau richtig stimmt einverstanden
alles klar gut sehr sicher natuerlich selbstverstaendlich leider schade sorry entschuldigung verzeihung
kurz kurze kurzen mal eben nochmal wieder zusammen gemeinsam melde melden meldet meld sage sagen sagt
schreibe schreiben schreibt frage fragen fragt antwort antworten geht gehen klappt klappen koennen kann
koennte koennten wuerde wuerden waere waeren moechte moechten wollen will soll sollen muss muessen
herr frau kollege kollegin kolleginnen kollegen team leute
schnell schnelle schnellen schoen schoenes schoene verspaetung zurueck buero klingt klingen klang
mache machen macht schicke schicken schickt sende senden sendet sehe sehen sieht idee ideen
monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday week weekend
morning afternoon evening time o'clock clock hour hours minute minutes meeting call
everyone everybody all let lets meet see soon later back office idea on at in to for with
hello hi thanks thank please regards best great fine sure yes no okay ok perfect works good nice sorry
""".split())

_CLOCK = re.compile(r"\b\d{1,2}([:.]\d{2})?\s*(uhr|h)?\b", re.IGNORECASE)


def substance(text: str) -> str:
    """`text` without times, dates and small-talk words; "" when nothing of substance is left."""
    text = _CLOCK.sub(" ", text or "")
    kept = [word for word in surface_words(text) if fold(word) not in SMALL_TALK]
    return " ".join(kept)

