#!/usr/bin/env python3
"""Lab assertions: `dahdi-doctor scan --json` against the reference tools run in the same boot of Debian's real
DAHDI driver (dahdi_scan, lsdahdi, and the lab's raw DAHDI_GET_PARAMS dump).

Usage: check_lab.py SCENARIO OUT_DIR   (SCENARIO: healthy | no-driver | unassigned)
Prints one line per check and a closing "N passed, N failed"; exits 1 if any check failed.
"""
import json
import os
import re
import sys


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def eq(self, what, ours, reference):
        if ours == reference:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}: dahdi-doctor={ours!r} reference={reference!r}")

    def true(self, what, condition, detail=""):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what} {detail}")


def read(out, name):
    with open(os.path.join(out, name), encoding="utf-8", errors="replace") as f:
        return f.read()


def rc(out, name):
    return int(read(out, name + ".rc").strip())


def parse_dahdi_scan(text):
    """dahdi_scan prints INI-like sections whose keys may repeat (port=), so keep lists."""
    spans, current = [], None
    for line in text.splitlines():
        m = re.match(r"^\[(\d+)\]$", line)
        if m:
            current = {"number": int(m.group(1)), "port": []}
            spans.append(current)
        elif current is not None and "=" in line:
            key, value = line.split("=", 1)
            if key == "port":
                current["port"].append(value)
            else:
                current[key] = value
    return spans


def parse_lsdahdi(text):
    """lsdahdi: '### Span N: ...' headers, then '%3d %-10s %-10s info alarms' channel lines."""
    channels = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(\d+) (.{10}) (.{10})(.*)$", line)
        if m and not line.startswith("###"):
            info = m.group(4)
            ec = re.search(r"\(EC: (\S+) - (ACTIVE|INACTIVE)\)", info)
            rest = re.sub(r"\(EC: [^)]*\)|\(In use\)|\(no pcm\)|\(battery\)", " ", info)
            channels[int(m.group(1))] = {
                "signalling": m.group(3).strip(),
                "in_use": "(In use)" in info,
                "ec": ec.group(1) if ec else None,
                "ec_active": (ec.group(2) == "ACTIVE") if ec else None,
                "alarms": [w for w in rest.split() if w in ("RED", "YELLOW", "BLUE", "LOOP", "RECOVERING", "NOTOPEN")],
            }
    return channels


def parse_params(text):
    """The lab's dahdi-params helper: 'channo=1 spanno=1 ... name=DYN/loc/1:0/1' per channel."""
    result = {}
    for line in text.splitlines():
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        if "channo" in fields:
            result[int(fields["channo"])] = fields
    return result


def channels_by_number(scan):
    return {c["number"]: c for s in scan["spans"] for c in s["channels"]}


def compare_with_params(checks, label, scan, params):
    ours = channels_by_number(scan)
    for number, ref in sorted(params.items()):
        c = ours.get(number)
        checks.true(f"{label} channel {number} present", c is not None)
        if c is None:
            continue
        checks.eq(f"{label} channel {number} sigtype", c.get("signalling_bits"), int(ref["sigtype"], 16))
        checks.eq(f"{label} channel {number} sigcap", c.get("capability_bits"), int(ref["sigcap"], 16))
        checks.eq(f"{label} channel {number} span", c["span"], int(ref["spanno"]))
        checks.eq(f"{label} channel {number} position", c.get("position"), int(ref["chanpos"]))
        checks.eq(f"{label} channel {number} off-hook", c.get("off_hook"), ref["rxisoffhook"] == "1")
        rx = {"-1": None, "0": "onhook", "1": "offhook", "2": "start", "3": "ring", "4": "initial"}[ref["rxhooksig"]]
        tx = {"-1": None, "0": "onhook", "1": "offhook", "2": "start", "3": "kewl"}[ref["txhooksig"]]
        checks.eq(f"{label} channel {number} rx hook", c.get("rx_hook"), rx)
        checks.eq(f"{label} channel {number} tx hook", c.get("tx_hook"), tx)
        checks.eq(f"{label} channel {number} name", c["name"], ref["name"])
        checks.eq(f"{label} channel {number} alarms bits",
                  int(ref["chan_alarms"], 16) == 0, c["alarms"] == [])


def check_healthy(checks, out):
    checks.eq("scan exit code", rc(out, "scan"), 0)
    scan = json.loads(read(out, "scan.json"))
    checks.eq("schema_version", scan["schema_version"], 1)
    checks.eq("status", scan["status"]["code"], "ok")
    checks.true("all three sources available", all(s["available"] for s in scan["sources"]), str(scan["sources"]))

    reference = parse_dahdi_scan(read(out, "dahdi_scan.txt"))
    checks.true("dahdi_scan saw spans", len(reference) >= 2)
    checks.eq("span numbers", [s["number"] for s in scan["spans"]], [s["number"] for s in reference])
    ours = {s["number"]: s for s in scan["spans"]}
    for ref in reference:
        s = ours.get(ref["number"])
        if s is None:
            continue
        n = ref["number"]
        checks.eq(f"span {n} name", s["name"], ref["name"])
        checks.eq(f"span {n} description", s["description"], ref["description"])
        checks.eq(f"span {n} alarms", s["alarm_summary"], ref["alarms"])
        checks.eq(f"span {n} base channel", s.get("base_channel"), int(ref["basechan"]))
        checks.eq(f"span {n} total channels", s["total_channels"], int(ref["totchans"]))
        checks.eq(f"span {n} manufacturer", s.get("manufacturer"), ref["manufacturer"])
        checks.eq(f"span {n} device type", s.get("device_type"), ref["devicetype"])
        checks.eq(f"span {n} location", s.get("location"), ref["location"])
        checks.eq(f"span {n} type", s.get("scan_type"), ref.get("type"))
        if ref.get("type", "").startswith("digital"):
            checks.eq(f"span {n} framing", s.get("framing"), ref["framing"])
            checks.eq(f"span {n} coding", s.get("coding") or "", ref["coding"])
            checks.eq(f"span {n} sync source", s.get("sync_source"), int(ref["syncsrc"]))
            checks.eq(f"span {n} lbo", s.get("lbo_name"), ref["lbo"])
        else:
            ports = {int(p.split(",")[0]): p.split(",")[1] for p in ref["port"]}
            for c in s["channels"]:
                ref_port = ports.get(c["number"], "")
                our_port = {"FXS": "FXS", "FXO": "FXO"}.get(c.get("port_type"), "none")
                checks.eq(f"span {n} port {c['number']}", our_port, ref_port.split()[0] if ref_port else "")
        checks.eq(f"span {n} channel list", [c["number"] for c in s["channels"]],
                  list(range(int(ref["basechan"]), int(ref["basechan"]) + int(ref["totchans"]))))

    ls = parse_lsdahdi(read(out, "lsdahdi.txt"))
    checks.true("lsdahdi saw channels", len(ls) >= 48, str(len(ls)))
    by_number = channels_by_number(scan)
    for number, ref in sorted(ls.items()):
        c = by_number.get(number)
        checks.true(f"channel {number} present", c is not None)
        if c is None:
            continue
        ours_sig = "" if c["signalling"] == "Unconfigured" else c["signalling"]
        checks.eq(f"channel {number} signalling", ours_sig, ref["signalling"])
        checks.eq(f"channel {number} in use", c.get("in_use"), ref["in_use"])
        checks.eq(f"channel {number} echo canceller", (c.get("echo_canceller") or {}).get("name"), ref["ec"])
        checks.eq(f"channel {number} alarms", c["alarms"], ref["alarms"])

    compare_with_params(checks, "idle", scan, parse_params(read(out, "params.txt")))

    # Off-hook: the lab helper holds channel 1 (fxsks) off-hook; its loc peer 25 (fxoks) must read off-hook.
    offhook = json.loads(read(out, "scan-offhook.json"))
    c25 = channels_by_number(offhook).get(25, {})
    checks.eq("channel 25 off-hook while its peer is off-hook", c25.get("off_hook"), True)
    checks.eq("channel 25 rx hook while its peer is off-hook", c25.get("rx_hook"), "offhook")
    checks.eq("channel 25 idle before", by_number[25].get("off_hook"), False)
    checks.eq("channel 1 in use while the helper holds it", channels_by_number(offhook)[1].get("in_use"), True)
    compare_with_params(checks, "off-hook", offhook, parse_params(read(out, "params-offhook.txt")))
    ls_off = parse_lsdahdi(read(out, "lsdahdi-offhook.txt"))
    checks.eq("lsdahdi agrees channel 1 in use", ls_off.get(1, {}).get("in_use"), True)

    text = read(out, "scan.txt")
    checks.true("text output names every span", all(s["name"] in text for s in scan["spans"]))


def check_no_driver(checks, out):
    checks.eq("scan exit code", rc(out, "scan"), 69)
    scan = json.loads(read(out, "scan.json"))
    checks.eq("status", scan["status"]["code"], "driver_not_loaded")
    checks.eq("driver loaded", scan["driver"]["loaded"], False)
    err = read(out, "scan-text.err") if os.path.exists(os.path.join(out, "scan-text.err")) else read(out, "scan.err")
    checks.eq("one-line diagnosis", len(err.strip().splitlines()), 1)
    checks.true("diagnosis says not loaded", "not loaded" in err, err)
    checks.true("dahdi_scan agrees: no control device", rc(out, "dahdi_scan") != 0)


def check_unassigned(checks, out):
    checks.eq("scan exit code", rc(out, "scan"), 69)
    scan = json.loads(read(out, "scan.json"))
    checks.eq("status", scan["status"]["code"], "spans_not_assigned")
    checks.eq("auto_assign_spans", scan["driver"]["auto_assign_spans"], False)
    checks.eq("devices seen", len(scan["devices"]), 2)
    checks.true("every device span unassigned",
                all(s.get("assigned_span") is None for d in scan["devices"] for s in d["spans"]) and
                sum(len(d["spans"]) for d in scan["devices"]) == 2, str(scan["devices"]))
    checks.eq("no spans listed", scan["spans"], [])
    reference = parse_dahdi_scan(read(out, "dahdi_scan.txt"))
    checks.eq("dahdi_scan agrees: no span", reference, [])


def validate_schema(checks, out):
    """Every scan JSON the lab produced must match Config/scan.schema.v1.json."""
    import jsonschema  # Debian python3-jsonschema (Tools/setup installs it)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "Config", "scan.schema.v1.json"), encoding="utf-8") as f:
        schema = json.load(f)
    for name in sorted(os.listdir(out)):
        if name.startswith("scan") and name.endswith(".json"):
            try:
                jsonschema.validate(json.loads(read(out, name)), schema)
                checks.true(f"{name} matches the schema", True)
            except jsonschema.ValidationError as error:
                checks.true(f"{name} matches the schema", False, error.message)


def main():
    scenario, out = sys.argv[1], sys.argv[2]
    checks = Checks()
    if scenario == "schema":   # check_lab.py schema DIR: validate every scan*.json in DIR
        validate_schema(checks, out)
        print(f"schema: {checks.passed} passed, {checks.failed} failed")
        return 1 if checks.failed else 0
    try:
        {"healthy": check_healthy, "no-driver": check_no_driver, "unassigned": check_unassigned}[scenario](checks, out)
        validate_schema(checks, out)
    except (OSError, ValueError, KeyError) as error:  # a missing or malformed output is a failure, never a skip
        checks.true(f"{scenario} outputs readable", False, repr(error))
    print(f"lab {scenario}: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
