import ldap3
from ldap3.utils.conv import escape_filter_chars

server = ldap3.Server("ldap.example.org")



def process(login):
    c = ldap3.Connection(server, auto_bind=True)
    c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + escape_filter_chars(login) + "))")
    res = c.entries
    return res
