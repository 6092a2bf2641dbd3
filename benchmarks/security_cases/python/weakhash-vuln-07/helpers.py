import hashlib


def process(passwd):
    digest = hashlib.new("md5", passwd.encode()).hexdigest()
    return digest
