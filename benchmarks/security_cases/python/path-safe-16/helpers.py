import os

BASE = "/srv/files"



def process(name):
    data = open(os.path.join(BASE, name)).read()
    return data
