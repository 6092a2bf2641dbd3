from sqlalchemy import text
from db import engine


def handle_value(name):
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = '" + name + "'"))
    return None
