import os

BASE = "/srv/files"



def run_lookup(doc):
    data = open(os.path.join(BASE, doc)).read()
    return data
