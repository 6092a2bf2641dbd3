def prepare(raw):
    value = raw
    return value
