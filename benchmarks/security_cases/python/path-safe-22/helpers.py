import pathlib

BASE = "/srv/files"



def run_lookup(name):
    data = pathlib.Path(BASE, name).read_text()
    return data
