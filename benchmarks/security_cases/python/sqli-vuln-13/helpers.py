import sqlite3

conn = sqlite3.connect("app.db")



def handle_value(tag):
    rows = conn.execute(f"SELECT * FROM users WHERE name = '{tag}'").fetchall()
    return rows
