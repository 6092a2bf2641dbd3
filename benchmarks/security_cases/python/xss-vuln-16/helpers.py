def prepare(raw):
    value = raw
    if not value:
        value = "guest"
    return value
