from sqlalchemy import text
from db import engine


def do_work(owner):
    with engine.connect() as c:
        rows = c.execute(text("DELETE FROM t WHERE email = '" + owner + "'"))
    return None
