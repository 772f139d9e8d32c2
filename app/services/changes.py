"""What a user action changed, so each view can decide whether to refresh (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """`domains` names what changed ("customers", "timeline", "sales", "loyalty",
    "followups", "letters", "settings", "privacy"); `customer_ids` narrows it to customers
    where that is known (empty means: possibly all)."""

    domains: frozenset[str] = field(default_factory=frozenset)
    customer_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *domains: str, customers: tuple[int, ...] = ()) -> Changes:
        return cls(frozenset(domains), frozenset(customers))

    def touches(self, domain: str, customer_id: int | None = None) -> bool:
        if domain not in self.domains:
            return False
        return customer_id is None or not self.customer_ids or customer_id in self.customer_ids
