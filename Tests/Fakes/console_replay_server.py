#!/usr/bin/python3
"""A fake Asterisk control socket (asterisk.ctl) that replays CLI text, for the console client tests.

It listens on the Unix socket given with --socket, prints "READY" on stdout, and serves each connection the way
Asterisk's netconsole() does (main/asterisk.c, 22.10.1): the greeting "hostname/pid/version\\n" first, then it reads
one NUL-terminated request, which must be "cli quit after COMMAND", writes the command's output and closes the
connection. The output of COMMAND is the fixture file named after it (spaces become '-') with the --state suffix,
else without it; a command without a fixture gets cli.c's "No such command" answer. Python 3 stdlib only. It stops
when stdin closes (the test process went away) or on SIGTERM. With --log FILE, every command received is appended.

Behaviours (--behaviour):
  normal            answer every command from the fixtures
  no-chan-dahdi     the dahdi commands are unknown (chan_dahdi not loaded)
  no-pjsip          res_pjsip not loaded: `module show like res_pjsip.so` and the pjsip commands answer what a
                    DAHDI-only Asterisk answered in the lab (*.no-pjsip fixtures)
  never-answer      greet, read the request, then stay silent
  garbage-banner    send random bytes instead of the greeting
  close-at-once     accept and close without a word
  verbose-noise     put a verbose-marked line (first byte 0x83) before each output, as a console not muted would see
  slow              answer each command after --delay seconds
"""
import argparse
import os
import random
import socket
import sys
import threading
import time


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--socket", required=True)
    parser.add_argument("--state", default="", help="fixture suffix for pjsip: '', .gateway-unreachable, .no-gateway-registered")
    parser.add_argument("--dahdi-state", default="", help="fixture suffix for dahdi: '', .3spans-red")
    parser.add_argument("--behaviour", default="normal")
    parser.add_argument("--delay", type=float, default=3.0)
    parser.add_argument("--log")
    return parser.parse_args()


ARGS = parse_args()
LOG_LOCK = threading.Lock()


def fixture(name):
    path = os.path.join(ARGS.fixtures, name + ".txt")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def unknown(command):
    words = command.split(" ")
    return ("No such command '%s' (type 'core show help %s' for other possible commands)\n"
            % (command, " ".join(words[:-1]))).encode()


def answer(command):
    behaviour = ARGS.behaviour
    if behaviour == "no-chan-dahdi" and (command == "module show like chan_dahdi.so" or command.startswith("dahdi ")):
        return fixture(command.replace(" ", "-") + ".no-chan-dahdi")
    if behaviour == "no-pjsip" and (command == "module show like res_pjsip.so" or command.startswith("pjsip ")):
        # recorded on a DAHDI-only Asterisk (the no-pjsip box); a command not recorded there gets cli.c's answer
        data = fixture(command.replace(" ", "-") + ".no-pjsip")
        return data if data is not None else unknown(command)
    base = command.replace(" ", "-")
    state = ARGS.dahdi_state if command.startswith("dahdi ") else ARGS.state
    data = fixture(base + state) if state else None
    if data is None:
        data = fixture(base)
    return data if data is not None else unknown(command)


def serve(conn):
    with conn:
        if ARGS.behaviour == "close-at-once":
            return
        if ARGS.behaviour == "garbage-banner":
            conn.sendall(bytes(random.getrandbits(8) for _ in range(300)))
            time.sleep(0.2)
            return
        conn.sendall(fixture("banner"))
        request = b""
        conn.settimeout(10)
        try:
            while b"\0" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
        except OSError:
            return
        text = request.split(b"\0", 1)[0].decode(errors="replace")
        prefix = "cli quit after "
        if not text.startswith(prefix):
            return  # Asterisk would keep the session open; the client never sends anything else
        command = text[len(prefix):]
        if ARGS.log:
            with LOG_LOCK, open(ARGS.log, "a") as f:
                f.write(command + "\n")
        if ARGS.behaviour == "never-answer":
            time.sleep(30)
            return
        if ARGS.behaviour == "slow":
            time.sleep(ARGS.delay)
        output = answer(command)
        if ARGS.behaviour == "verbose-noise":
            output = b"\x83  == Remote UNIX connection\n" + output
        try:
            conn.sendall(output)
        except OSError:
            pass


def main():
    if os.path.exists(ARGS.socket):
        os.unlink(ARGS.socket)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(ARGS.socket)
    server.listen(16)

    def accept_loop():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    print("READY", flush=True)
    sys.stdin.read()  # until the test process closes our stdin
    server.close()
    try:
        os.unlink(ARGS.socket)
    except OSError:
        pass


if __name__ == "__main__":
    main()
