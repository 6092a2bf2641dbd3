import sqlite3

conn = sqlite3.connect("app.db")



def handle_value(tag):
    q = "UPDATE accounts SET nick = '" + tag + "' WHERE id = 1"
    conn.executescript(q)
    return None
