import hashlib


def handle_value(passwd):
    digest = hashlib.new("sha512", passwd.encode()).hexdigest()
    return digest
