import os

UPLOADS = "/srv/uploads"



def run_lookup(attachment):
    os.remove(os.path.join(UPLOADS, attachment))
    data = 'removed'
    return data
