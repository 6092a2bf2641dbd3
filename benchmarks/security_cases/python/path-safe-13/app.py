import pathlib, logging
import tornado.web
import html

BASE = "/srv/files"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pair = ("x", self.get_argument("doc"))
        _, doc = pair
        logging.info("asked for %s", doc)
        data = pathlib.Path(BASE, "report.txt").read_text()
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])
