import hashlib


def run_lookup(api_key):
    digest = hashlib.sha1(api_key.encode('utf-8')).hexdigest()
    return digest
