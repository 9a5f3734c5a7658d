"""German stop words and abbreviations: the fixed word lists the text analysis relies on.

Both lists are written in folded form (lower case, ä→ae, ö→oe, ü→ue, ß→ss), the form
`matching.text.fold` produces, so they are compared without further work.
"""

# Function words, auxiliaries and fillers of written German (articles, pronouns, prepositions,
# conjunctions, particles, forms of sein/haben/werden and the modal verbs, numerals spelled out).
# Content words that are merely frequent in municipal texts ("Kommune", "Verwaltung") are not
# listed: inverse document frequency already discounts them where they do not discriminate.
STOP_WORDS: frozenset[str] = frozenset("""
ab aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
anderm andern anderr anders auch auf aus bei beide beiden beim bereits besonders bevor bis bisher
bitte bin bist bzw da dabei dadurch dafuer dagegen daher dahin damals damit danach daneben dann
daran darauf daraus darf darfst darin darueber darum darunter das dass dasselbe davon davor dazu
dein deine deinem deinen deiner deines dem demselben den denen denn dennoch denselben der derem
deren derer derselbe derselben des deshalb desselben dessen deswegen dich die dies diese dieselbe
dieselben diesem diesen dieser dieses dir doch dort du durch durfte duerfen eben ebenfalls ebenso
ehe eher eigentlich ein eine einem einen einer eines einig einige einigem einigen einiger einiges
einmal einzeln er erst erste ersten es etwa etwas euch euer eure eurem euren eurer eures fast
ferner fuer gab gar gegen gegenueber gehabt gemaess genau gerade gerne gewesen gibt ggf gleich
hab habe haben hat hatte hatten hattest hattet hier hin hinter ich ihm ihn ihnen ihr ihre ihrem
ihren ihrer ihres im immer in indem infolge innen innerhalb ins inzwischen irgend ist ja je jede
jedem jeden jeder jedes jedoch jemand jene jenem jenen jener jenes jetzt kann kannst kaum kein
keine keinem keinen keiner keines koennen koennt koennte koennten konnte konnten kuenftig lassen
laut leider machen macht mag man manche manchem manchen mancher manches mehr mein meine meinem
meinen meiner meines meist mich mir mit moechte moechten muss muessen musste mussten nach nachdem
naechste neben nein nicht nichts noch nun nur ob oben obwohl oder ohne per sehr sei seid sein
seine seinem seinen seiner seines seit seitdem selbst sich sie sind so sodass solch solche
solchem solchen solcher solches soll sollen sollte sollten somit sondern sonst sowie sowohl
statt trotz ueber um und uns unser unsere unserem unseren unserer unseres unter usw viel viele
vielen vieler vielleicht vom von vor waehrend wann war waren warst warum was weder weg wegen
weil weiter weitere weiteren weiterhin welche welchem welchen welcher welches wenig wenige wenn
wer werde werden werdet weshalb wie wieder wir wird wirst wo wobei wodurch woher wohin wollen
wollte wollten worden wuerde wuerden wurde wurden z zb zu zudem zum zur zusammen zwar zwischen
eins zwei drei vier fuenf sechs sieben acht neun zehn
""".split())

# Abbreviations of municipal and IT vocabulary, expanded next to the abbreviation itself so that
# "OZG" meets "Onlinezugangsgesetz" and "DMS" meets "Dokumentenmanagementsystem". Hyphenated "E-"
# ("E-Akte", "E-Rechnung") is the prefix form of "elektronisch" and is handled the same way.
ABBREVIATIONS: dict[str, str] = {
    "e": "elektronisch",
    "ozg": "onlinezugangsgesetz",
    "dms": "dokumentenmanagementsystem",
    "isms": "informationssicherheitsmanagementsystem",
    "bsi": "bundesamt sicherheit informationstechnik",
    "dsgvo": "datenschutzgrundverordnung",
    "ki": "kuenstliche intelligenz",
    "oepnv": "oeffentlicher personennahverkehr",
    "kfz": "kraftfahrzeug",
    "ftth": "glasfaser",
    "lan": "netzwerk",
    "wlan": "funknetz",
    "it": "informationstechnik",
    "iot": "internet dinge",
    "pv": "photovoltaik",
    "gis": "geoinformationssystem",
}
