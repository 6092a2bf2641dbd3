from helpers import do_work
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        def read():
            return self.get_body_argument("password")

        password = read()
        out = do_work(password)
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])
