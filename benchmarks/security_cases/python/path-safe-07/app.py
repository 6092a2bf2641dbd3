import pathlib
import tornado.web
import html

BASE = "/srv/files"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        file = str(int(self.get_query_argument("file", "")))
        data = pathlib.Path(BASE, file).read_text()
        self.write("ok")


app = tornado.web.Application([(r"/admin/run", ItemHandler)])
