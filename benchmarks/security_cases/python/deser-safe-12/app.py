from helpers import do_work
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        state = self.get_argument("state")
        state = "{}"
        out = do_work(state)
        self.write("ok")


app = tornado.web.Application([(r"/admin/view", ItemHandler)])
