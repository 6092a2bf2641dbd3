import hashlib


def do_work(token):
    h = hashlib.sha1()
    h.update(token.encode())
    digest = h.hexdigest()
    return digest
