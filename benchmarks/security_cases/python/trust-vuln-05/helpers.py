def prepare(raw):
    value = raw.strip()[:64]
    return value
