"""A real SMTP server for the mail tests: aiosmtpd (Debian's python3-aiosmtpd), with TLS from a
certificate the test made, and AUTH PLAIN/LOGIN with one user. Each message is written to
OUT_DIR as a file; `ready` is printed on stdout once the server listens.

usage: smtp_server.py MODE PORT CERT KEY USER PASSWORD OUT_DIR   (MODE: starttls | implicit)
"""
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

mode, port, cert, key, user, password, out = sys.argv[1:8]
port = int(port)
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)


class Keep:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(out, "%d.eml" % time.time_ns())
        with open(name + ".tmp", "wb") as f:
            f.write(b"X-Rcpt: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 OK"


def check(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
        and auth_data.password.decode() == password
    return AuthResult(success=ok)


kwargs = dict(authenticator=check, auth_required=True, auth_require_tls=True)
if mode == "starttls":
    c = Controller(Keep(), hostname="127.0.0.1", port=port,
                   server_kwargs=dict(tls_context=ctx, require_starttls=True, **kwargs))
else:
    # The whole connection is TLS, which aiosmtpd's STARTTLS bookkeeping does not see: AUTH is
    # offered without it (it is still never sent in clear).
    kwargs["auth_require_tls"] = False
    c = Controller(Keep(), hostname="127.0.0.1", port=port, ssl_context=ctx,
                   server_kwargs=kwargs)
c.start()
print("ready", flush=True)
try:
    sys.stdin.read()  # until the test closes our stdin
finally:
    c.stop()
