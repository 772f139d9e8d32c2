"""A letter rendered for each recipient of a campaign, attached to that recipient's mail.

The same letter templates, placeholders and DIN 5008 layout as the serial letter (letters);
one PDF per recipient, made batch by batch inside the campaign's unit of work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.services.email.campaigns import PersonalAttachments
from app.services.email.message import Attachment
from app.services.letters.service import (
    LetterService,
    TemplateDTO,
    info_block,
    load_recipients,
)


def letter_per_recipient(letters: LetterService, template: TemplateDTO, *, by: str
                         ) -> PersonalAttachments:
    """A maker of each recipient's letter as PDF attachment, named after the template."""
    from app.services.letters.pdf import letters_pdf  # reportlab only when a letter is made

    compiled = letters.compile(template)  # placeholder errors before anything is queued
    profile = letters.company.get()
    form = letters.form()
    on = letters.clock.today()
    filename = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", template.name).strip(" .") or "Brief"
    filename += ".pdf"

    def make(session: Session, customer_ids: Sequence[int]) -> dict[int, Attachment]:
        recipients = load_recipients(session, customer_ids)
        extra = compiled.extra_values(session, customer_ids, on=on)
        made: dict[int, Attachment] = {}
        for cid in customer_ids:
            recipient = recipients[cid]
            letter = compiled.render(recipient, on=on, sender=profile.name, extra=extra[cid],
                                     info=info_block(recipient.number, on=on, by=by,
                                                     profile=profile))
            made[cid] = Attachment(filename, letters_pdf([letter], profile, form=form))
        return made

    return make
