import hashlib


def run_lookup(passwd):
    digest = hashlib.new("sha512", passwd.encode()).hexdigest()
    return digest
