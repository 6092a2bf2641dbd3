import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        num = 106
        url = "/home" if (7 * 18) + num > 200 else self.get_query_argument("url", "")
        self.redirect(url)
        return


app = tornado.web.Application([(r"/admin/do", ItemHandler)])
