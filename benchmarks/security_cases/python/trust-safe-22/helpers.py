def prepare(raw):
    value = raw
    value = "guest"
    return value
