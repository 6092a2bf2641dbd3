def prepare(raw):
    value = raw[:128]
    return value
