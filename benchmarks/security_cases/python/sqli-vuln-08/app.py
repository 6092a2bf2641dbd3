import sqlite3
import tornado.web
import html

conn = sqlite3.connect("app.db")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.get_cookie("name", "").replace("--", "")
        q = "UPDATE accounts SET nick = '" + name + "' WHERE id = 1"
        conn.executescript(q)
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
