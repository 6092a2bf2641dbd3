import ldap

conn = ldap.initialize("ldap://ldap.example.org")



def process(mail):
    res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(mail))
    return res
