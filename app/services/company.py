"""The company profile (Briefkopf): the letterhead and DIN 5008 footer of every letter.

Stored as one JSON object under the settings key `company_profile`, so every PC on the same
data prints the same letterhead. It also holds the mandatory business details that every
business letter and business e-mail must carry, depending on the legal form (`LEGAL_FORMS`).
Validation uses real libraries: schwifty for IBAN/BIC, python-stdnum for the VAT ID and the
German tax number.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from app.services import validation
from app.services.errors import ValidationError
from app.services.settings import SettingsService

PROFILE_KEY = "company_profile"
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")

invalid = ValidationError.labelled({
    "name": "Firmenname", "web": "Internetseite", "iban": "IBAN", "bic": "BIC", "bank": "Bank",
    "tax_number": "Steuernummer", "vat_id": "USt-IdNr.",
    "managing_director": "Inhaber/Geschäftsführer", "logo_path": "Logo",
    "legal_form": "Rechtsform", "seat": "Sitz", "register_court": "Registergericht",
    "register_number": "Registernummer",
})
LETTERHEAD_LABEL = {"letterhead": "Briefkopf"}


@dataclass(frozen=True)
class LegalForm:
    label: str  # as the footer writes it after the name ("GmbH", "e. K.")
    required: tuple[str, ...]  # the profile fields a business letter/mail must carry
    director_label: str  # what the managing_director field is called for this form
    law: str  # where the duty is written


# The mandatory details on business letters and e-mails (a business e-mail is a business
# letter in law since 2007, EHUG) by legal form:
# - GmbH and UG: legal form, seat, register court and number, every managing director
#   (§ 35a Abs. 1 GmbHG);
# - registered merchant (e. K.): firm with legal form, seat (place of the commercial
#   establishment), register court and number (§ 37a Abs. 1 HGB);
# - OHG and KG: legal form, seat, register court and number (§ 125 Abs. 1 HGB, for the KG
#   with § 161 Abs. 2 HGB);
# - sole trader without an entry in the commercial register and GbR: the owner's or every
#   partner's surname with at least one first name and a postal address (§ 15b GewO).
# On a website the same details belong in the imprint (§ 5 Abs. 1 DDG, formerly § 5 TMG).
_MERCHANT = ("name", "seat", "register_court", "register_number")
LEGAL_FORMS: dict[str, LegalForm] = {
    "": LegalForm("", (), "Inhaber/Geschäftsführer", ""),
    "einzel": LegalForm("", ("name", "street", "managing_director"), "Inhaber",
                        "§ 15b GewO"),
    "ek": LegalForm("e. K.", _MERCHANT, "Inhaber", "§ 37a HGB"),
    "gbr": LegalForm("GbR", ("name", "street", "managing_director"), "Gesellschafter",
                     "§ 15b GewO"),
    "ohg": LegalForm("OHG", _MERCHANT, "Gesellschafter", "§ 125 HGB"),
    "kg": LegalForm("KG", _MERCHANT, "Persönlich haftender Gesellschafter",
                    "§ 125, § 161 Abs. 2 HGB"),
    "gmbh": LegalForm("GmbH", (*_MERCHANT, "managing_director"), "Geschäftsführer",
                      "§ 35a GmbHG"),
    "ug": LegalForm("UG (haftungsbeschränkt)", (*_MERCHANT, "managing_director"),
                    "Geschäftsführer", "§ 35a GmbHG"),
}
LEGAL_FORM_NAMES: dict[str, str] = {
    "": "keine Angabe", "einzel": "Einzelunternehmen (nicht im Handelsregister)",
    "ek": "eingetragener Kaufmann (e. K.)", "gbr": "GbR", "ohg": "OHG", "kg": "KG",
    "gmbh": "GmbH", "ug": "UG (haftungsbeschränkt)",
}


def required_fields(legal_form: str) -> tuple[str, ...]:
    """The profile fields a business letter or mail must carry for this legal form."""
    return LEGAL_FORMS.get(legal_form, LEGAL_FORMS[""]).required


@dataclass(frozen=True)
class CompanyProfile:
    """The letterhead data; every field is a display-ready string and may be empty."""

    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DE"
    phone: str = ""
    email: str = ""
    web: str = ""
    iban: str = ""
    bic: str = ""
    bank: str = ""
    tax_number: str = ""
    vat_id: str = ""
    managing_director: str = ""
    logo_path: str = ""
    legal_form: str = ""  # a key of LEGAL_FORMS
    seat: str = ""  # the registered seat (Sitz), where it differs from the city
    register_court: str = ""  # "Amtsgericht München"
    register_number: str = ""  # "HRB 12345"

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> CompanyProfile:
        known = {f.name for f in fields(cls)}
        values = {k: str(v) for k, v in data.items() if k in known and v is not None}
        legacy = str(data.get("register") or "").strip()  # one free-text field before
        if legacy and not values.get("register_court") and not values.get("register_number"):
            court, number = _split_register(legacy)
            values.update(register_court=court, register_number=number)
        return cls(**values)

    @property
    def register(self) -> str:
        """Register court and number in one line ("Amtsgericht München HRB 12345")."""
        return " ".join(p for p in (self.register_court, self.register_number) if p)

    @property
    def form(self) -> LegalForm:
        return LEGAL_FORMS.get(self.legal_form, LEGAL_FORMS[""])

    @property
    def firm(self) -> str:
        """The name with its legal form, unless the name carries it already."""
        suffix = self.form.label
        if not suffix or self.name.replace(" ", "").endswith(suffix.replace(" ", "")):
            return self.name
        return f"{self.name} {suffix}"

    @property
    def return_address(self) -> str:
        """The one-line sender in the address field's top zone (Rücksendeangabe)."""
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return " · ".join(p for p in (self.name, self.street, place) if p)


# What a letter cannot go out without: who sends it (DIN 5008 sender and return address).
LETTERHEAD_REQUIRED = {"name": "Firmenname", "street": "Straße", "postcode": "PLZ", "city": "Ort"}


def letterhead_gaps(profile: CompanyProfile) -> list[str]:
    """The German names of the letterhead fields a letter needs and the profile lacks."""
    return [label for field, label in LETTERHEAD_REQUIRED.items()
            if not getattr(profile, field).strip()]


def require_letterhead(profile: CompanyProfile) -> None:
    """Stop a letter, mailing or envelope that would go out without a sender."""
    gaps = letterhead_gaps(profile)
    if gaps:
        raise ValidationError({"letterhead": (
            "unvollständig, der Brief hätte keinen Absender: bitte "
            + _listed(gaps) + " eintragen (Datei → Einstellungen → Briefkopf oder "
            "Einrichtungsassistent; ohne Fenster: Befehl „letterhead“).")},
            labels=LETTERHEAD_LABEL)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1]


def _split_register(text: str) -> tuple[str, str]:
    """"Amtsgericht München HRB 12345" → ("Amtsgericht München", "HRB 12345")."""
    match = re.search(r"\b(HR[AB]|GnR|PR|VR)\s*\d.*$", text)
    if match is None:
        return text, ""
    return text[:match.start()].strip(" ,"), match.group(0).strip()


def validated_profile(profile: CompanyProfile) -> CompanyProfile:
    """Check and normalise every field; raise ValidationError naming each bad field."""
    from schwifty import BIC, IBAN
    from schwifty.exceptions import SchwiftyException
    from stdnum.de import stnr
    from stdnum.eu import vat
    from stdnum.exceptions import ValidationError as StdnumError

    errors: dict[str, str] = {}
    values = {k: v.strip() for k, v in asdict(profile).items()}

    def check(field: str, func: Any, *args: Any, **kwargs: Any) -> None:
        try:
            values[field] = func(*args, **kwargs)
        except validation.FieldError as exc:
            errors[field] = str(exc)

    if not values["name"]:
        errors["name"] = "Firmenname angeben (er steht im Briefkopf)"
    check("country", validation.country, values["country"])
    country = values["country"] if "country" not in errors else "DE"
    check("postcode", validation.postcode, values["postcode"], country_code=country)
    check("email", validation.email, values["email"])
    if values["phone"]:
        try:
            e164 = validation.phone(values["phone"], region=country)
            values["phone"] = validation.display_phone(e164, home_region=country)
        except validation.FieldError as exc:
            errors["phone"] = str(exc)
    if values["iban"]:
        try:
            values["iban"] = IBAN(values["iban"]).formatted
        except SchwiftyException:
            errors["iban"] = f"„{values['iban']}“ ist keine gültige IBAN (Prüfziffer oder Länge)"
    if values["bic"]:
        try:
            values["bic"] = str(BIC(values["bic"]))
        except SchwiftyException:
            errors["bic"] = f"„{values['bic']}“ ist keine gültige BIC"
    elif values["iban"] and "iban" not in errors:
        bic = IBAN(values["iban"]).bic
        values["bic"] = str(bic) if bic else ""
    if values["vat_id"]:
        try:
            values["vat_id"] = vat.validate(values["vat_id"])
        except StdnumError:
            errors["vat_id"] = (
                f"„{values['vat_id']}“ ist keine gültige USt-IdNr. (z. B. DE123456789)")
    if values["tax_number"] and country == "DE" and not stnr.is_valid(values["tax_number"]):
        errors["tax_number"] = f"„{values['tax_number']}“ ist keine gültige Steuernummer"
    if values["legal_form"] not in LEGAL_FORMS:
        errors["legal_form"] = f"unbekannte Rechtsform „{values['legal_form']}“"
    else:
        form = LEGAL_FORMS[values["legal_form"]]
        for field in form.required:
            if not values[field] and field not in errors:
                errors[field] = (f"Pflichtangabe für {LEGAL_FORM_NAMES[values['legal_form']]} "
                                 f"auf Geschäftsbriefen und -mails ({form.law})")
    if values["register_number"] and not re.fullmatch(
            r"(HR[AB]|GnR|PR|VR) ?\d+( ?[A-Z]{1,2})?", values["register_number"]):
        errors["register_number"] = (f"„{values['register_number']}“: z. B. „HRB 12345“ "
                                     "oder „HRA 678“")
    if values["logo_path"]:
        logo = Path(values["logo_path"])
        if logo.suffix.lower() not in LOGO_SUFFIXES:
            errors["logo_path"] = "Logo als PNG, JPG oder SVG angeben"
        elif not logo.is_file():
            errors["logo_path"] = f"Datei „{logo}“ nicht gefunden"
    if errors:
        raise invalid(errors)
    return CompanyProfile(**values)


class CompanyProfileService:
    def __init__(self, settings: SettingsService) -> None:
        self.settings = settings

    def get(self) -> CompanyProfile:
        data = self.settings.get(PROFILE_KEY, {})
        return CompanyProfile.from_mapping(data if isinstance(data, dict) else {})

    def save(self, profile: CompanyProfile) -> CompanyProfile:
        """Validate and store; empty fields are left out of the stored JSON object."""
        checked = validated_profile(profile)
        self.settings.set(PROFILE_KEY, {k: v for k, v in asdict(checked).items() if v})
        return checked
