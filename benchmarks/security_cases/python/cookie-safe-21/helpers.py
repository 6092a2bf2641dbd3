def prepare(raw):
    value = "{}".format(raw)
    return value
