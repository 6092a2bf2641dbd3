import sqlite3

conn = sqlite3.connect("app.db")



def process(name):
    cur = conn.cursor()
    cur.execute("SELECT id FROM items WHERE owner = ?", [name])
    rows = cur.fetchall()
    return rows
