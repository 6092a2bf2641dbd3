import os

UPLOADS = "/srv/uploads"



def handle_value(attachment):
    os.remove(os.path.join(UPLOADS, attachment))
    data = 'removed'
    return data
