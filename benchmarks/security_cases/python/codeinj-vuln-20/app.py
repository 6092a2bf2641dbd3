from helpers import run_lookup
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        formula = self.get_body_argument("formula")
        if "import" in formula:
            formula = formula.replace("import", "")
        out = run_lookup(formula)
        self.write("ok")


app = tornado.web.Application([(r"/admin/item", ItemHandler)])
