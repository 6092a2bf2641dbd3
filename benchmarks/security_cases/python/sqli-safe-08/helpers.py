from sqlalchemy import text
from db import engine


def run_lookup(email):
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = '" + email + "'"))
    return None
