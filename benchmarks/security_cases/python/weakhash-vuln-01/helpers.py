import hashlib


def handle_value(passwd):
    h = hashlib.sha1()
    h.update(passwd.encode())
    digest = h.hexdigest()
    return digest
