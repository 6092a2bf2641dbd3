import sqlite3
import tornado.web
import html

conn = sqlite3.connect("app.db")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pair = ("x", self.get_argument("tag"))
        _, tag = pair
        cur = conn.cursor()
        cur.execute("SELECT id FROM items WHERE owner = '%s'" % tag)
        rows = cur.fetchall()
        self.write("ok")


app = tornado.web.Application([(r"/v1/view", ItemHandler)])
