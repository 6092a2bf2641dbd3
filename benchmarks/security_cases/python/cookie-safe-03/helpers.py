def prepare(raw):
    parts = []
    for p in raw.split(","):
        parts.append(p.strip())
    value = ",".join(parts)
    return value
