#!/usr/bin/python3
"""How long after the kernel says span 1 is RED the agent shows it (lab-only; see steps.sh phase 2).

Usage: red_latency.py SOCKET TEXTFILE OUT.json TIMEOUT_S. Polls, as fast as the guest allows: dahdi_scan (the
kernel's word), /v1/report (span-red-alarm), /v1/health (its status then) and the textfile
(dahdi_span_alarm{span="1",alarm="red"} 1), and writes when each first showed RED. A latency is measured from the
first poll at which dahdi_scan showed RED, so it is at most one poll late; it can be negative when the agent saw it
first."""
import json
import socket
import subprocess
import sys
import time

sock_path, textfile, out, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def get(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return data.partition(b"\r\n\r\n")[2].decode()


def kernel_red():
    text = subprocess.run(["dahdi_scan"], capture_output=True, text=True).stdout
    span = None
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            span = line[1:-1]
        elif span == "1" and line.startswith("alarms="):
            return line.split("=", 1)[1] == "RED"
    return False


start = time.monotonic()
seen = {}
health_then = None
while time.monotonic() - start < timeout and len(seen) < 3:
    now = time.monotonic()
    if "kernel" not in seen and kernel_red():
        seen["kernel"] = now
    try:
        if "report" not in seen and "span-red-alarm" in get("/v1/report"):
            seen["report"] = time.monotonic()
            health_then = json.loads(get("/v1/health"))
    except (OSError, ValueError):
        pass
    try:
        with open(textfile) as f:
            if "textfile" not in seen and 'dahdi_span_alarm{span="1",alarm="red"} 1\n' in f.read():
                seen["textfile"] = time.monotonic()
    except OSError:
        pass
    time.sleep(0.05)

result = {"seen": sorted(seen)}
if "kernel" in seen:
    for name in ("report", "textfile"):
        if name in seen:
            result[f"{name}_after_s"] = round(seen[name] - seen["kernel"], 3)
if health_then:
    result["health_status"] = health_then.get("status")
    result["health_summary"] = health_then.get("summary")
    result["kernel_last_trigger"] = next((s.get("last_trigger") for s in health_then.get("sources", []) if s["name"] == "kernel"), None)
with open(out, "w") as f:
    json.dump(result, f, indent=1)
print(json.dumps(result))
