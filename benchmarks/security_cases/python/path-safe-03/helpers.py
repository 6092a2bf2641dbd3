import os
from werkzeug.utils import secure_filename

BASE = "/srv/files"



def run_lookup(attachment):
    data = open(os.path.join(BASE, secure_filename(attachment))).read()
    return data
