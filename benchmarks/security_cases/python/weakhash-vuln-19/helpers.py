from hashlib import md5


def do_work(password):
    digest = md5(password.encode()).hexdigest()
    return digest
