from sqlalchemy import text
from db import engine


def process(name):
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = '" + name + "'"))
    return None
