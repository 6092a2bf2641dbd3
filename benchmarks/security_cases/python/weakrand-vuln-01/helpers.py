def prepare(raw):
    data = {"value": raw, "mode": "x"}
    value = data["value"]
    return value
