import sqlite3

conn = sqlite3.connect("app.db")



def handle_value(name):
    sql = "SELECT * FROM logs WHERE tag = '{}'".format(name)
    rows = conn.execute(sql).fetchall()
    return rows
