def prepare(raw):
    value = raw
    if not value:
        value = "anon"
    return value
