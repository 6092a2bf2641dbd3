def prepare(raw):
    value = "%s" % (raw,)
    return value
