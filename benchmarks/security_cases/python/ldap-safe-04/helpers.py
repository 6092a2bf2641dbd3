import ldap3
from ldap3.utils.conv import escape_filter_chars

server = ldap3.Server("ldap.example.org")



def process(user):
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + escape_filter_chars(user) + "))")
    res = c.entries
    return res
