"""Engine, sessions and migrations for DevLab's store.

Embedded default: one SQLite file (WAL) opened through ``sqlean`` (a drop-in
``sqlite3`` built with extension loading, which this machine's Python lacks) so
that sqlite-vec loads; FTS5 is built in. ``postgresql+psycopg://`` URLs run the
same schema on PostgreSQL. Migrations (Alembic) are applied on open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from devlab.config import Settings
from devlab.errors import StorageError
from devlab.store import crypto
from devlab.store.search_index import make_lexical_index, make_vector_index

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    import sqlite_vec

    dbapi_conn.enable_load_extension(True)
    sqlite_vec.load(dbapi_conn)
    dbapi_conn.enable_load_extension(False)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite goes through sqlean with sqlite-vec loaded."""
    try:
        if url.startswith("sqlite"):
            import sqlean

            engine = create_engine(
                url,
                module=sqlean,
                connect_args={"check_same_thread": False, "timeout": 60},
                pool_size=8,
                max_overflow=16,
            )
            event.listen(engine, "connect", _sqlite_on_connect)
            return engine
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=16)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StorageError(f"cannot open database {mask_url(url)}: {exc}") from exc


def mask_url(url: str) -> str:
    """Hide the password in a database URL before it reaches a message or a log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.MULTILINE)


def _head_revisions() -> set[str]:
    """The migration heads, read from the revision files' text (no Alembic import)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def _at_head(engine: Engine) -> bool:
    """Whether the schema is already at every head: then Alembic (about a second of
    imports on a CLI call) is not needed at all."""
    try:
        with engine.connect() as conn:
            current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:
        return False
    heads = _head_revisions()
    return bool(heads) and current == heads


def run_migrations(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (idempotent)."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    """The store's engine, session factory and search adapters for one ``Settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.resolved_database_url
        crypto.configure(
            crypto.load_keys(
                settings.encryption_key.get_secret_value(), settings.encryption_key_file
            )
        )
        if settings.is_sqlite:
            settings.home.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        try:
            run_migrations(self.engine)
        except OperationalError as exc:
            raise StorageError(
                f"cannot open database {mask_url(self.url)}: {exc.orig}. "
                "Check DEVLAB_DATABASE_URL / DEVLAB_HOME."
            ) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.lexical = make_lexical_index(self.engine)
        self.vectors = make_vector_index(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise StorageError(f"database error: {exc}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> str:
        """Return the engine's name and version; raises StorageError when unreachable."""
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    version = conn.execute(text("select sqlite_version()")).scalar()
                    return f"sqlite {version}"
                version = conn.execute(text("show server_version")).scalar()
                return f"postgresql {version}"
        except SQLAlchemyError as exc:
            raise StorageError(f"database unreachable: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()
