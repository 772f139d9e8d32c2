"""The shipped letter templates (editable copies in the database; "reset" restores these)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str
    name: str
    subject: str
    body: str
    advertising: bool


_CLOSING = "\n\nMit freundlichen Grüßen\n\n{{ absender }}"

BUILTIN_TEMPLATES: tuple[BuiltinTemplate, ...] = (
    BuiltinTemplate(
        "willkommen", "Willkommen", "Herzlich willkommen bei {{ absender }}",
        "{{ briefanrede }}\n\n"
        "vielen Dank für Ihr Vertrauen! Wir freuen uns, Sie als Kundin bzw. Kunden begrüßen zu "
        "dürfen. Ihre Kundennummer lautet {{ kundennummer }} – bitte geben Sie sie bei "
        "Rückfragen an, dann finden wir alles sofort.\n\n"
        "Wenn Sie Fragen haben oder einen Termin brauchen, rufen Sie uns einfach an."
        + _CLOSING,
        advertising=False,
    ),
    BuiltinTemplate(
        "wartungserinnerung", "Wartungserinnerung", "Ihre Wartung ist fällig",
        "{{ briefanrede }}\n\n"
        "die regelmäßige Wartung Ihrer Anlage sorgt für Sicherheit, einen sparsamen Betrieb und "
        "eine lange Lebensdauer. Nach unseren Unterlagen ist die nächste Wartung jetzt fällig."
        "{% if vertrag.nummer %} Sie ist in Ihrem Wartungsvertrag {{ vertrag.nummer }} "
        "enthalten ({{ vertrag.preis }}).{% endif %}\n\n"
        "Bitte rufen Sie uns an oder antworten Sie kurz auf diesen Brief, dann vereinbaren wir "
        "einen Termin, der Ihnen passt."
        + _CLOSING,
        advertising=False,
    ),
    BuiltinTemplate(
        "geburtstag_gutschein", "Geburtstagsgruß mit Gutschein", "Alles Gute zum Geburtstag!",
        "{{ briefanrede }}\n\n"
        "zu Ihrem Geburtstag gratulieren wir Ihnen herzlich und wünschen Ihnen Gesundheit und "
        "ein schönes neues Lebensjahr.\n\n"
        "Als kleines Dankeschön für Ihre Treue schenken wir Ihnen einen Gutschein über "
        "{{ gutschein.wert }}. Ihr Gutscheincode: {{ gutschein.code }}"
        + _CLOSING,
        advertising=True,
    ),
    BuiltinTemplate(
        "reaktivierung", "Reaktivierung", "Wir haben Sie vermisst",
        "{{ briefanrede }}\n\n"
        "es ist schon eine Weile her, dass wir für Sie arbeiten durften. Wir würden uns freuen, "
        "wieder von Ihnen zu hören – ob Reparatur, Wartung oder ein neues Vorhaben.\n\n"
        "Rufen Sie uns gern an, wir beraten Sie unverbindlich."
        + _CLOSING,
        advertising=True,
    ),
    BuiltinTemplate(
        "dankeschoen_a", "Dankeschön an A-Kunden", "Danke für Ihre Treue",
        "{{ briefanrede }}\n\n"
        "Sie gehören zu unseren treuesten Kundinnen und Kunden – dafür möchten wir uns heute "
        "einmal ausdrücklich bedanken.\n\n"
        "Als Stammkunde (Kundennummer {{ kundennummer }}) erhalten Sie bei uns bevorzugt "
        "Termine. Sprechen Sie uns jederzeit an."
        + _CLOSING,
        advertising=True,
    ),
    BuiltinTemplate(
        "terminbestaetigung", "Terminbestätigung", "Bestätigung Ihres Termins",
        "{{ briefanrede }}\n\n"
        "hiermit bestätigen wir Ihnen den vereinbarten Termin am {{ termin }}. Sollte er "
        "Ihnen doch nicht passen, geben Sie uns bitte rechtzeitig Bescheid.\n\n"
        "Wir freuen uns auf Sie."
        + _CLOSING,
        advertising=False,
    ),
    BuiltinTemplate(
        "vertrag_bestaetigung", "Wartungsvertrag: Bestätigung",
        "Ihr Wartungsvertrag {{ vertrag.nummer }}",
        "{{ briefanrede }}\n\n"
        "vielen Dank für Ihr Vertrauen. Hiermit bestätigen wir Ihren Wartungsvertrag "
        "{{ vertrag.nummer }} ({{ vertrag.bezeichnung }}) für {{ vertrag.objekte }} ab "
        "{{ vertrag.beginn }}.\n\n"
        "Preis: {{ vertrag.preis }}. Enthalten: {{ vertrag.leistungen }}.\n"
        "Laufzeit: {{ vertrag.laufzeit }}\n\n"
        "Wir melden uns rechtzeitig vor jedem Wartungstermin bei Ihnen."
        + _CLOSING,
        advertising=False,
    ),
    BuiltinTemplate(
        "vertrag_verlaengerung", "Wartungsvertrag: Verlängerung",
        "Ihr Wartungsvertrag {{ vertrag.nummer }} verlängert sich",
        "{{ briefanrede }}\n\n"
        "Ihr Wartungsvertrag {{ vertrag.nummer }} läuft weiter: er verlängert sich am "
        "{{ vertrag.verlaengerung_am }} zu den bisherigen Bedingungen ({{ vertrag.preis }}).\n\n"
        "{{ vertrag.laufzeit }}\n\n"
        "Wir freuen uns, weiter für Sie da zu sein."
        + _CLOSING,
        advertising=False,
    ),
    BuiltinTemplate(
        "vertrag_preisanpassung", "Wartungsvertrag: Preisanpassung",
        "Neuer Preis Ihres Wartungsvertrags {{ vertrag.nummer }}",
        "{{ briefanrede }}\n\n"
        "gestiegene Material- und Lohnkosten machen eine Anpassung nötig: ab dem "
        "{{ vertrag.preis_ab }} beträgt der Preis Ihres Wartungsvertrags {{ vertrag.nummer }} "
        "{{ vertrag.preis }} (bisher {{ vertrag.alter_preis }}).\n\n"
        "Die Leistungen bleiben unverändert. Bei Fragen rufen Sie uns gern an."
        + _CLOSING,
        advertising=False,
    ),
    BuiltinTemplate(
        "vertrag_kuendigung", "Wartungsvertrag: Kündigungsbestätigung",
        "Bestätigung Ihrer Kündigung – Vertrag {{ vertrag.nummer }}",
        "{{ briefanrede }}\n\n"
        "Ihre Kündigung des Wartungsvertrags {{ vertrag.nummer }} ist am "
        "{{ vertrag.kuendigung_eingang }} bei uns eingegangen. Der Vertrag endet mit Ablauf "
        "des {{ vertrag.letzter_tag }}.\n\n"
        "Schade, dass Sie gehen. Wenn Sie später wieder eine Wartung brauchen, sind wir gern "
        "für Sie da."
        + _CLOSING,
        advertising=False,
    ),
)

# The shipped names by key, for naming a letter list before its template was ever loaded.
BUILTIN_NAMES = {template.key: template.name for template in BUILTIN_TEMPLATES}
