def prepare(raw):
    value = raw.strip().lower()
    return value
