import sqlite3

conn = sqlite3.connect("app.db")



def run_lookup(email):
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(email)
    rows = conn.execute(sql).fetchall()
    return rows
