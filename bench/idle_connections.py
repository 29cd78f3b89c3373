#!/usr/bin/env python3
"""Holds N keep-alive connections open against a server, for a memory reading.

Each connection sends one request and reads its whole response (so the server
has gone through a full request on it and now keeps it idle), then all of them
stay open until this process receives SIGTERM or SIGINT. Prints
"ready N" once every connection has had its answer, or exits 1 if any request
failed. Standard library only.

    idle_connections.py HOST PORT COUNT [PATH]
"""
import signal
import socket
import sys


def read_response(sock: socket.socket) -> int:
    """Reads one HTTP/1.1 response with a Content-Length; returns its status."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the response headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed in the middle of the body")
        body += chunk
    return status


def main() -> int:
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    path = sys.argv[4] if len(sys.argv) > 4 else "/healthz"
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    socks = []
    # Open and send in batches so the listen backlog never overflows.
    batch = 200
    for start in range(0, count, batch):
        group = []
        for _ in range(min(batch, count - start)):
            s = socket.create_connection((host, port), timeout=30)
            s.sendall(request)
            group.append(s)
        for s in group:
            status = read_response(s)
            if status != 200:
                print(f"error: status {status}", flush=True)
                return 1
        socks.extend(group)
    print(f"ready {len(socks)}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, IndexError) as e:
        print(f"error: {e}", flush=True)
        sys.exit(1)
