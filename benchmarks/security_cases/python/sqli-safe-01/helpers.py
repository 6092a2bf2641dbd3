from sqlalchemy import text
from db import engine


def handle_value(tag):
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = :e"), {"e": tag})
    return None
