from helpers import do_work
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        formula = self.get_argument("formula")
        if True:
            formula = "1 + 1"
        out = do_work(formula)
        self.write("ok")


app = tornado.web.Application([(r"/v1/item", ItemHandler)])
