import subprocess
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        raw = self.get_query_argument("host", "")
        host = "" + raw
        cmd = "convert " + host + " out.png"
        subprocess.Popen(cmd, shell=True).wait()
        self.write("ok")


app = tornado.web.Application([(r"/admin/do", ItemHandler)])
