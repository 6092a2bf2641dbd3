import os

BASE = "/srv/files"



def handle_value(doc):
    full = os.path.realpath(os.path.join(BASE, doc))
    if not full.startswith(BASE + os.sep):
        raise ValueError('outside')
    data = open(full).read()
    return data
