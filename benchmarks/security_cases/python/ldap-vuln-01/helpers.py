import ldap

conn = ldap.initialize("ldap://ldap.example.org")



def process(login):
    res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(login))
    return res
