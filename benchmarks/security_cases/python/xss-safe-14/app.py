import logging
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        title = "{}".format(self.request.headers.get("X-title", ""))
        logging.info("visit %s", title)
        self.write("<p>Hello</p>")
        return


app = tornado.web.Application([(r"/admin/item", ItemHandler)])
