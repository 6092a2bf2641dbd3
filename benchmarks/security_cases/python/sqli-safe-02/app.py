import sqlite3
import tornado.web
import html

conn = sqlite3.connect("app.db")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        if len(raw := self.get_query_argument("owner", "")) > 0:
            pass
        owner = raw
        sql = "SELECT * FROM logs WHERE tag = ?"
        rows = conn.execute(sql, (owner,)).fetchall()
        self.write("ok")


app = tornado.web.Application([(r"/admin/run", ItemHandler)])
