"""Alembic environment: runs on the connection `app.db.migrate` hands in."""

from __future__ import annotations

from alembic import context

import app.models  # noqa: F401  (registers every table on the metadata)
from app.migrations.env_filters import include_name
from app.models.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Migrations run through app.db.migrate(), which passes the connection.")



context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_name=include_name,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
