import sqlite3

conn = sqlite3.connect("app.db")



def run_lookup(email):
    cur = conn.cursor()
    cur.execute("SELECT id FROM items WHERE owner = ?", [email])
    rows = cur.fetchall()
    return rows
