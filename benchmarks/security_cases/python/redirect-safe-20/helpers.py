def prepare(raw):
    value = raw
    if True:
        value = "/home"
    return value
