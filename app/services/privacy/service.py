"""Data protection duties in one service: consents, advertising objection, access, erasure.

Each duty lives in its own module of this package; the service is their sum, so the UI and
the CLI keep one entry point (`services.privacy`):

- `consents`: consent events and the advertising objection (Art. 7, Art. 21 DSGVO);
- `access`: Auskunft (Art. 15 DSGVO);
- `erasure` and `retention`: Löschung (Art. 17 DSGVO) and the periods records are kept;
- `records`: Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO);
- `restore`: what a restore from an older backup applies again;
- `reachability`: a returned letter, a bounced e-mail, a death.

Whether a customer may be contacted is not decided here but in `contact_policy`.
"""

from __future__ import annotations

from app.services.privacy.access import Access
from app.services.privacy.reachability import Reachability
from app.services.privacy.records import ProcessingRecords
from app.services.privacy.restore import RestoreSupport


class PrivacyService(RestoreSupport, Access, ProcessingRecords, Reachability):
    pass
