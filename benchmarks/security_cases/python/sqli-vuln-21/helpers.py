import sqlite3

conn = sqlite3.connect("app.db")



def run_lookup(owner):
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(owner)
    rows = conn.execute(sql).fetchall()
    return rows
