"""Alembic environment: DevLab passes its own connection in ``config.attributes``."""

from alembic import context

from devlab.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic revision --autogenerate`
    from devlab.config import load_settings
    from devlab.store.db import make_engine

    connection = make_engine(load_settings().resolved_database_url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
