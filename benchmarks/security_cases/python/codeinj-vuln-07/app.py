from helpers import do_work
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        formula = self.get_cookie("formula", "")
        if "import" in formula:
            formula = formula.replace("import", "")
        out = do_work(formula)
        self.write("ok")


app = tornado.web.Application([(r"/api/run", ItemHandler)])
