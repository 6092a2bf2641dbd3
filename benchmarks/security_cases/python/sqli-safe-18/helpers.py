import sqlite3

conn = sqlite3.connect("app.db")



def do_work(name):
    rows = conn.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    return rows
