import sqlite3

conn = sqlite3.connect("app.db")



def handle_value(email):
    q = "UPDATE accounts SET nick = '" + email + "' WHERE id = 1"
    conn.executescript(q)
    return None
