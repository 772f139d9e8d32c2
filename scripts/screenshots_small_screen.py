"""Render "Heute" with 3,000 demo customers and the customer view as a 1366×768 laptop shows
them: `python scripts/screenshots_small_screen.py` (offscreen; PNGs in docs/images/).

The set-up is scripts/screenshots.py's `demo_window` (a throw-away demo database, temporary
Qt settings, "Ich bin" set); here with 3,000 customers and the windows at the size they open
with on a 1366×768 screen with a 40 px task bar.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSize

# the sibling script sets up sys.path
from screenshots import FEATURED_KEY, ROOT, demo_window, settle

from app.ui.customers.customer_view import CustomerView
from app.ui.screen_fit import SMALL_SCREENS, fitted_size

OUT = ROOT / "docs" / "images"
LAPTOP = SMALL_SCREENS[0]  # 1366×768 without the task bar
CUSTOMERS = 3000


def main() -> int:
    with demo_window("stammkunde-small-", customers=CUSTOMERS,
                     size=fitted_size(QSize(1280, 800), LAPTOP)) as (window, _services):
        OUT.mkdir(parents=True, exist_ok=True)
        today = window.show_page("today")
        settle(window)
        tree = today.due_view  # type: ignore[attr-defined]
        dormant = next(item for item in tree.top_items() if item.text(2).startswith(
            "Schlafender Kunde"))
        tree.expandItem(dormant)
        tree.scrollToItem(dormant, tree.ScrollHint.PositionAtTop)
        tree.setCurrentItem(dormant.child(0))
        window.grab().save(str(OUT / "today-3000.png"))
        print(OUT / "today-3000.png")
        view = window.page("customers").open_customer(window.property(FEATURED_KEY))  # type: ignore[attr-defined]
        assert isinstance(view, CustomerView)
        view.resize(fitted_size(QSize(1100, 720), LAPTOP))
        view.show_class_reason()
        settle(window)
        view.grab().save(str(OUT / "customer-view-1366x768.png"))
        print(OUT / "customer-view-1366x768.png")
        view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
