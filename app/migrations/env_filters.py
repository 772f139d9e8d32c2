"""What autogenerate leaves alone: the FTS5 search index made by hand in revision 0001."""

from __future__ import annotations


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    return not (type_ == "table" and name is not None and name.startswith("customer_fts"))
