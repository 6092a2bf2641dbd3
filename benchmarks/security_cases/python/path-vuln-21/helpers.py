def do_work(doc):
    with open("/srv/uploads/%s" % doc, "rb") as fh:
        data = fh.read()
    return None
