from helpers import run_lookup
import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        attachment = f"{self.get_body_argument("attachment")}"
        out = run_lookup(attachment)
        self.write("ok")


app = tornado.web.Application([(r"/app/run", ItemHandler)])
