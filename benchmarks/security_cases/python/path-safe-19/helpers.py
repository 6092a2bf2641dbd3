import os

BASE = "/srv/files"



def process(doc):
    data = open(os.path.join(BASE, doc)).read()
    return data
