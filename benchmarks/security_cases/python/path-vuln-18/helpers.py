import codecs

BASE = "/srv/files"



def run_lookup(name):
    data = codecs.open(f"{BASE}/{name}", encoding="utf-8").read()
    return data
