# SPDX-License-Identifier: Apache-2.0
"""tls_proxy.py: TLS front end and CONNECT proxy for tests (tests only).

  python3 tls_proxy.py tls --cert PEM --key PEM --upstream PORT --log FILE
      terminates TLS on 127.0.0.1 and relays the decrypted bytes,
      unchanged (Host header included), to 127.0.0.1:PORT over plain TCP.
  python3 tls_proxy.py connect --log FILE
      an HTTP proxy that accepts only CONNECT host:port, then relays bytes.

Both listen on a free port of 127.0.0.1, print "listening on
127.0.0.1:PORT" as their first line and append one line per event to the
log: "tls-ok", "tls-fail REASON", "connect HOST:PORT", "refused LINE".
"""
import argparse
import select
import socket
import ssl
import sys
import threading

LOCK = threading.Lock()


def log(path, line):
    with LOCK, open(path, "a") as f:
        f.write(line + "\n")


def relay(a, b):
    """Copy bytes both ways until either side closes."""
    socks = [a, b]
    try:
        while True:
            ready = [s for s in socks if isinstance(s, ssl.SSLSocket) and
                     s.pending()]
            if not ready:
                ready, _, _ = select.select(socks, [], [], 30)
                if not ready:
                    return
            for s in ready:
                other = b if s is a else a
                data = s.recv(65536)
                if not data:
                    return
                other.sendall(data)
    except (OSError, ssl.SSLError):
        return
    finally:
        for s in socks:
            try:
                s.close()
            except OSError:
                pass


def serve_tls(conn, ctx, upstream, logpath):
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError) as e:
        log(logpath, "tls-fail %s" % e)
        conn.close()
        return
    log(logpath, "tls-ok")
    try:
        up = socket.create_connection(("127.0.0.1", upstream))
    except OSError as e:
        log(logpath, "upstream-fail %s" % e)
        tls.close()
        return
    relay(tls, up)


def serve_connect(conn, logpath):
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            d = conn.recv(4096)
            if not d or len(buf) > 16384:
                conn.close()
                return
            buf += d
        head, _, rest = buf.partition(b"\r\n\r\n")
        first = head.split(b"\r\n")[0].decode("latin-1")
        parts = first.split(" ")
        if len(parts) != 3 or parts[0] != "CONNECT":
            log(logpath, "refused %s" % first)
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n"
                         b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()
            return
        host, _, port = parts[1].rpartition(":")
        log(logpath, "connect %s" % parts[1])
        up = socket.create_connection((host.strip("[]"), int(port)))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if rest:
            up.sendall(rest)
    except (OSError, ValueError) as e:
        log(logpath, "connect-fail %s" % e)
        conn.close()
        return
    relay(conn, up)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["tls", "connect"])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--upstream", type=int)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    ctx = None
    if a.mode == "tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    open(a.log, "a").close()
    print("listening on 127.0.0.1:%d" % ls.getsockname()[1], flush=True)
    while True:
        conn, _ = ls.accept()
        if a.mode == "tls":
            t = threading.Thread(target=serve_tls,
                                 args=(conn, ctx, a.upstream, a.log))
        else:
            t = threading.Thread(target=serve_connect, args=(conn, a.log))
        t.daemon = True
        t.start()


if __name__ == "__main__":
    sys.exit(main())
