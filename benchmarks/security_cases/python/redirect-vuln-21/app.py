from helpers import prepare
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        url = prepare(self.get_query_argument("url", ""))
        dest = url + '?from=login'
        self.redirect(dest)
        return


app = tornado.web.Application([(r"/v1/run", ItemHandler)])
