def prepare(raw):
    def read():
        return raw

    value = read()
    return value
