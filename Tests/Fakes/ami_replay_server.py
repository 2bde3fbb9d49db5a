#!/usr/bin/python3
"""A fake Asterisk manager interface that replays captured AMI bytes, for the client tests.

It listens on an ephemeral port, prints "PORT <n>" on stdout, and serves each connection the way the lab's
Asterisk 22.10.1 did: ami-banner.txt on connect, ami-Login-success-events-off.txt for a good Login (or
ami-Login-failed.txt and a close for a bad one), then each action's transcript with its ActionID lines rewritten to
the client's. Python 3 stdlib only. It stops when stdin closes (the test process went away) or on SIGTERM.

The expected user and secret come from the environment (AMI_REPLAY_USER, AMI_REPLAY_SECRET), never from the
command line, and are never printed. With --log FILE, the name of every action received is appended to FILE (names
only, never fields).

Behaviours (--behaviour):
  normal            answer every action from its transcript
  close-mid-list    send the first half of PJSIPShowEndpoints' events, then close
  never-answer      accept, send the banner, then stay silent
  garbage-banner    send random bytes instead of the banner
  garbage-session   log in normally, then answer the next action with random bytes
  slow              log in normally, then answer each action after --delay seconds
  huge-list         PJSIPShowEndpoints answers --items generated EndpointList events
  old-asterisk      CoreSettings says Asterisk 20.7.0; DAHDIShowStatus is an unknown command
  no-chan-dahdi     both DAHDI actions are unknown commands (chan_dahdi not loaded)
  no-dahdi-device   DAHDIShowStatus answers "No DAHDI detected"
  deny-pjsip        every PJSIP action answers "Permission denied"
  dahdi-only        a DAHDI-only Asterisk: res_pjsip not loaded (every PJSIP action is an unknown command), the
                    DAHDI actions answer the real chan_dahdi bytes of the healthy two-span lab box (chan_dahdi/)
  chan-dahdi-declined  res_pjsip and chan_dahdi not loaded: the real bytes of the box whose chan_dahdi declined
                    to load (chan_dahdi/ami-DAHDIShow*.chan-dahdi-declined)
  events            after a Login with "Events: on", send the captured unsolicited events

--dahdi-box BOX (with normal): DAHDIShowChannels and DAHDIShowStatus answer chan_dahdi/ami-<Action>.BOX, the real bytes of
that lab box, so a state can pair them with the console fixtures recorded on the same box.

CoreStatus answers the captured transcript with its CoreStartup/CoreReload date and time rewritten to the moment
the server started, in local time as Asterisk prints them (--reload-time captured keeps the captured ones).
ModuleCheck answers "Module not loaded" (Asterisk 22 has no chan_sip) unless the module is named in --loaded-module,
or is res_pjsip.so / chan_dahdi.so on a behaviour where that module answers its actions.
"""
import argparse
import os
import random
import re
import socket
import socketserver
import ssl
import sys
import threading
import time

PJSIP_STATEFUL = ("PJSIPShowEndpoints", "PJSIPShowContacts", "PJSIPShowAors")


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", required=True, help="Tests/DoctorCoreTests/Fixtures/ami")
    parser.add_argument("--behaviour", default="normal")
    parser.add_argument("--state", default="", help="transcript suffix: '', .gateway-unreachable, .no-gateway-registered")
    parser.add_argument("--dahdi-box", default="", help="with behaviour normal: the DAHDI actions answer the real chan_dahdi/ "
                        "bytes of this lab box (healthy-2spans, 3spans-red) instead of dahdi-constructed/")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--delay", type=float, default=3.0)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--log")
    parser.add_argument("--reload-time", default="now", choices=["now", "captured"])
    parser.add_argument("--loaded-module", action="append", default=[])
    return parser.parse_args()


ARGS = parse_args()
USER = os.environ.get("AMI_REPLAY_USER", "doctor").encode()
SECRET = os.environ.get("AMI_REPLAY_SECRET", "").encode()
LOG_LOCK = threading.Lock()
STARTED = time.localtime()


def fixture(name):
    with open(os.path.join(ARGS.fixtures, name + ".txt"), "rb") as f:
        return f.read()


def with_action_id(data, action_id):
    """Every ActionID line of a transcript, rewritten to the client's (bytes otherwise untouched)."""
    return re.sub(rb"(?im)^(ActionID: )[^\r\n]*", lambda m: m.group(1) + action_id, data)


def log(name):
    if ARGS.log:
        with LOG_LOCK, open(ARGS.log, "ab") as f:
            f.write(name + b"\n")


def garbage(seed):
    rng = random.Random(seed)
    return b"\x00\xff\xfe\r\n" + bytes(rng.getrandbits(8) for _ in range(4096))


def core_status():
    data = fixture("ami-CoreStatus")
    if ARGS.reload_time == "captured":
        return data
    date = time.strftime("%Y-%m-%d", STARTED).encode()
    clock = time.strftime("%H:%M:%S", STARTED).encode()
    data = re.sub(rb"(?m)^(Core(?:Startup|Reload)Date: )[^\r\n]*", lambda m: m.group(1) + date, data)
    return re.sub(rb"(?m)^(Core(?:Startup|Reload)Time: )[^\r\n]*", lambda m: m.group(1) + clock, data)


def module_check(fields):
    module = fields.get(b"module", b"").decode(errors="replace")
    base = module.split(".")[0] + ".so"
    loaded_by_default = []
    if ARGS.behaviour not in ("dahdi-only", "chan-dahdi-declined"):
        loaded_by_default.append("res_pjsip.so")
    if ARGS.behaviour not in ("no-chan-dahdi", "chan-dahdi-declined"):
        loaded_by_default.append("chan_dahdi.so")
    loaded = base in [m.split(".")[0] + ".so" for m in ARGS.loaded_module] + loaded_by_default
    return fixture("dahdi-constructed/ami-ModuleCheck." + ("loaded" if loaded else "not-loaded"))


def transcript(action, behaviour, fields=None):
    name = action.decode(errors="replace")
    if name == "CoreStatus":
        return core_status()
    if name == "ModuleCheck":
        return module_check(fields or {})
    if behaviour in ("dahdi-only", "chan-dahdi-declined"):
        if name.startswith("PJSIP"):
            return fixture("ami-unknown-action").replace(b"NoSuchAction", action)
        if name in ("DAHDIShowChannels", "DAHDIShowStatus"):
            box = "healthy-2spans" if behaviour == "dahdi-only" else "chan-dahdi-declined"
            return fixture("chan_dahdi/ami-" + name + "." + box)
    if behaviour == "deny-pjsip" and name.startswith("PJSIP"):
        return fixture("ami-action-before-login")
    if behaviour == "old-asterisk" and name == "CoreSettings":
        return fixture("dahdi-constructed/ami-CoreSettings.asterisk-20.7.0")
    if ARGS.dahdi_box and behaviour == "normal" and name in ("DAHDIShowChannels", "DAHDIShowStatus"):
        return fixture("chan_dahdi/ami-" + name + "." + ARGS.dahdi_box)
    if name == "DAHDIShowStatus":
        if behaviour in ("old-asterisk", "no-chan-dahdi"):
            return fixture("dahdi-constructed/ami-DAHDIShowStatus.unknown-command")
        if behaviour == "no-dahdi-device":
            return fixture("dahdi-constructed/ami-DAHDIShowStatus.no-dahdi")
        return fixture("dahdi-constructed/ami-DAHDIShowStatus")
    if name == "DAHDIShowChannels":
        if behaviour == "no-chan-dahdi":
            return fixture("dahdi-constructed/ami-DAHDIShowChannels.no-chan-dahdi")
        return fixture("dahdi-constructed/ami-DAHDIShowChannels")
    if name in PJSIP_STATEFUL:
        return fixture("ami-" + name + ARGS.state)
    if name in ("CoreSettings", "PJSIPShowRegistrationsOutbound", "Ping"):
        return fixture("ami-" + name)
    return fixture("ami-unknown-action").replace(b"NoSuchAction", action)


def huge_endpoint_list(count):
    head = b"Response: Success\r\nActionID: x\r\nEventList: start\r\n" \
           b"Message: A listing of Endpoints follows, presented as EndpointList events\r\n\r\n"
    items = []
    for n in range(count):
        name = b"ep%05d" % n
        items.append(b"Event: EndpointList\r\nActionID: x\r\nObjectType: endpoint\r\nObjectName: " + name +
                     b"\r\nTransport: transport-udp\r\nAor: " + name + b"\r\nAuths: " + name +
                     b"\r\nOutboundAuths: \r\nContacts: " + name + b"/sip:" + name +
                     b"@192.0.2.10:5060,\r\nDeviceState: Not in use\r\nActiveChannels: 0\r\n\r\n")
    tail = b"Event: EndpointListComplete\r\nActionID: x\r\nEventList: Complete\r\nListItems: %d\r\n\r\n" % count
    return [head] + items + [tail]


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        try:
            if ARGS.tls_cert:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
                sock = context.wrap_socket(sock, server_side=True)
            self.serve(sock)
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client hung up or refused the certificate: that is what some tests do
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def serve(self, sock):
        behaviour = ARGS.behaviour
        if behaviour == "garbage-banner":
            sock.sendall(garbage(1))
            time.sleep(1)
            return
        sock.sendall(fixture("ami-banner"))
        reader = sock.makefile("rb")
        logged_in = False
        while True:
            fields = read_action(reader)
            if fields is None:
                return
            action = fields.get(b"action", b"")
            action_id = fields.get(b"actionid", b"")
            log(action)
            if behaviour == "never-answer":
                continue
            if action.lower() == b"login":
                if fields.get(b"username") == USER and fields.get(b"secret") == SECRET:
                    logged_in = True
                    sock.sendall(with_action_id(fixture("ami-Login-success-events-off"), action_id))
                    if behaviour == "events" and fields.get(b"events", b"").lower() == b"on":
                        sock.sendall(captured_events())
                    continue
                sock.sendall(with_action_id(fixture("ami-Login-failed"), action_id))
                return  # Asterisk closes after a refused login
            if not logged_in:
                sock.sendall(with_action_id(fixture("ami-action-before-login"), action_id))
                continue
            if action.lower() == b"logoff":
                sock.sendall(with_action_id(fixture("ami-Logoff"), action_id))
                return
            if behaviour == "garbage-session":
                sock.sendall(garbage(2))
                time.sleep(1)
                return
            if behaviour == "slow":
                time.sleep(ARGS.delay)
            if behaviour == "huge-list" and action == b"PJSIPShowEndpoints":
                for chunk in huge_endpoint_list(ARGS.items):
                    sock.sendall(with_action_id(chunk, action_id))
                continue
            answer = with_action_id(transcript(action, behaviour, fields), action_id)
            if behaviour == "close-mid-list" and action == b"PJSIPShowEndpoints":
                messages = answer.split(b"\r\n\r\n")
                items = [m for m in messages if m.startswith(b"Event: EndpointList\r\n")]
                sock.sendall(b"".join(m + b"\r\n\r\n" for m in messages[:1 + len(items) // 2]))
                sock.shutdown(socket.SHUT_RDWR)
                return
            sock.sendall(answer)


def captured_events():
    """The unsolicited events of the register/unregister capture: its messages without the Login/Logoff replies."""
    data = fixture("ami-events-register-unregister")
    return b"".join(m + b"\r\n\r\n" for m in data.split(b"\r\n\r\n") if m.startswith(b"Event: "))


def read_action(reader):
    """One action: `Key: value` lines up to a blank line; keys lower-cased. None when the client went away."""
    fields = {}
    while True:
        line = reader.readline(65536)
        if not line:
            return None
        line = line.rstrip(b"\r\n")
        if not line:
            if fields:
                return fields
            continue
        key, _, value = line.partition(b":")
        fields[key.strip().lower()] = value.strip()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    server_class = Server6 if ":" in ARGS.host else Server
    server = server_class((ARGS.host, 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the test closes our stdin or exits
    server.shutdown()


if __name__ == "__main__":
    main()
