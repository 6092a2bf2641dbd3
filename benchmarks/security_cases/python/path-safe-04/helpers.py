import codecs

BASE = "/srv/files"



def do_work(doc):
    data = codecs.open(f"{BASE}/{doc}", encoding="utf-8").read()
    return data
