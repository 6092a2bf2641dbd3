import os
import tornado.web
import html

BASE = "/srv/files"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = self.get_argument("name")
        data = open(os.path.join(BASE, name)).read()
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
