import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        return_to = self.get_cookie("return_to", "")
        label = return_to
        self.redirect("/")
        return


app = tornado.web.Application([(r"/v1/view", ItemHandler)])
