from helpers import do_work
import tornado.web
import html

def first[T](x: T) -> T:
    return x


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        sku = first(self.get_query_argument("sku", ""))
        out = do_work(sku)
        self.write("ok")


app = tornado.web.Application([(r"/v1/view", ItemHandler)])
