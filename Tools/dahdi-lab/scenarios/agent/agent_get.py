#!/usr/bin/python3
"""GET PATH from the agent's Unix socket, as curl --unix-socket would: prints the status line's code, then the body.
Lab-only (the guest's busybox has no curl). Usage: agent_get.py SOCKET PATH"""
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.settimeout(20)
sock.connect(sys.argv[1])
sock.sendall(f"GET {sys.argv[2]} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
data = b""
while True:
    chunk = sock.recv(65536)
    if not chunk:
        break
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b" ")[1].decode())
sys.stdout.write(body.decode())
