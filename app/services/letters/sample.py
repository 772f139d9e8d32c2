"""A sample letter with a letterhead that is not saved yet: the set-up assistant's live preview.

The same layout, fonts and letterhead drawer as every real letter, to an invented addressee,
so what the owner sees while typing is what the post will carry.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from app.services.company import CompanyProfile, letterhead_gaps
from app.services.letters.layout import FORMS, PostalAddress, recipient_block, salutation_line
from app.services.letters.pdf import LetterContent, letters_pdf
from app.services.letters.service import info_block

SAMPLE = PostalAddress(salutation="Frau", first_name="Erika", last_name="Mustermann",
                       street="Musterstraße 1", postcode="12345", city="Musterstadt")


def sample_letter_pdf(profile: CompanyProfile, *, on: date, by: str, form: str = "B") -> bytes:
    """One page to Erika Mustermann; a missing letterhead field is said in the letter."""
    if profile.logo_path and not Path(profile.logo_path).is_file():
        profile = replace(profile, logo_path="")  # still being typed
    gaps = letterhead_gaps(profile)
    missing = ("\n\nFür echte Briefe fehlt im Briefkopf noch: " + ", ".join(gaps) + "."
               if gaps else "")
    body = (f"{salutation_line(SAMPLE)}\n\nso sieht ein Brief mit Ihrem Briefkopf aus: oben "
            "Ihr Firmenname, im Anschriftfeld die Rücksendeangabe, rechts Ihre "
            "Kontaktdaten und unten Bankverbindung und Steuernummer." + missing
            + f"\n\nMit freundlichen Grüßen\n\n{profile.name or 'Ihr Firmenname'}")
    letter = LetterContent(recipient_block(SAMPLE), "Beispielbrief", body,
                           info_block("K-000001", on=on, by=by, profile=profile))
    return letters_pdf([letter], profile, form=FORMS.get(form, FORMS["B"]))
