#!/usr/bin/python3
"""Records what a running Asterisk writes on its control socket (asterisk.ctl) for each CLI command, byte for byte.

    record-console.py --socket PATH --out DIR [--suffix .STATE] COMMAND...

It speaks exactly what dahdi-doctor's console reader speaks (Sources/DoctorNetwork/Console/AsteriskConsoleClient.swift,
Sources/DoctorCore/Asterisk/Console/ConsoleProtocol.swift), one connection per command: connect, read the greeting
line ("hostname/pid/version\\n"), send "cli quit after COMMAND" with its terminating NUL, read until Asterisk closes.

For each COMMAND it writes DIR/<COMMAND with spaces as '-'><SUFFIX>.txt = every byte received after the greeting
line, unchanged (no NUL, CR or verbose-mark handling: the reader's job), and DIR/banner<SUFFIX>.txt = the greeting
line of the first connection. It appends one line per command to DIR/record-log.txt (command, byte counts, time,
and whether bytes beyond the greeting line arrived before the command was sent, which the reader also keeps).

Lab tool, not part of CI (CI cannot build Asterisk): see README.md beside it. Python 3 stdlib only.
"""
import argparse
import os
import select
import socket
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--suffix", default="")
    parser.add_argument("--timeout", type=float, default=20.0, help="per command")
    parser.add_argument("commands", nargs="+")
    return parser.parse_args()


def recv_until_close(sock, deadline, buffer):
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no end of output within the timeout")
        ready, _, _ = select.select([sock], [], [], left)
        if not ready:
            continue
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return buffer
        if not chunk:
            return buffer
        buffer += chunk


def record(path, command, timeout):
    """(greeting line, bytes after it, bytes that arrived with the greeting before the command was sent)."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(path)
        received = b""
        while b"\n" not in received:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no greeting")
            ready, _, _ = select.select([sock], [], [], left)
            if not ready:
                continue
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed before the greeting")
            received += chunk
        newline = received.index(b"\n")
        greeting, early = received[:newline + 1], received[newline + 1:]
        sock.sendall(b"cli quit after " + command.encode() + b"\0")
        output = recv_until_close(sock, deadline, early)
        return greeting, output, len(early)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = 0
    banner_written = False
    for command in args.commands:
        name = command.replace(" ", "-") + args.suffix + ".txt"
        started = time.monotonic()
        try:
            greeting, output, early = record(args.socket, command, args.timeout)
        except (OSError, TimeoutError) as error:
            failed += 1
            line = "%s\tFAILED\t%s" % (command, error)
        else:
            with open(os.path.join(args.out, name), "wb") as f:
                f.write(output)
            if not banner_written:
                with open(os.path.join(args.out, "banner" + args.suffix + ".txt"), "wb") as f:
                    f.write(greeting)
                banner_written = True
            line = "%s\t%s\tgreeting=%d output=%d early=%d ms=%d" % (
                command, name, len(greeting), len(output), early, (time.monotonic() - started) * 1000)
        with open(os.path.join(args.out, "record-log.txt"), "a") as f:
            f.write(line + "\n")
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
