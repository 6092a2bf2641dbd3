import pathlib

BASE = "/srv/files"



def process(file):
    data = pathlib.Path(BASE, file).read_text()
    return data
