#!/usr/bin/env python3
"""Lab assertions: `dahdi-doctor scan --json` against the reference tools run in the same boot of Debian's real
DAHDI driver (dahdi_scan, lsdahdi, and the lab's raw DAHDI_GET_PARAMS dump), and `dahdi-doctor check` against
what each scenario built: its root findings, their folded consequences, exit code, nagios line and observation.

Usage: check_lab.py SCENARIO OUT_DIR   (SCENARIO: one of SCENARIOS below; "schema DIR" validates scan*.json)
Prints one line per failed check and a closing "N passed, N failed"; exits 1 if any check failed.
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


# ---------------------------------------------------------------- dahdi-doctor check

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STATUS_EXIT = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
# system.conf signalling keyword -> the chan_dahdi.conf signalling values that agree with it
CHAN_DAHDI_AGREES = {
    "fxsks": {"fxs_ks"}, "fxoks": {"fxo_ks"}, "fxsls": {"fxs_ls"}, "fxols": {"fxo_ls"},
    "fxsgs": {"fxs_gs"}, "fxogs": {"fxo_gs"}, "e&m": {"em", "em_w"},
    "bchan": {"pri_cpe", "pri_net", "bri_cpe", "bri_net", "bri_cpe_ptmp", "bri_net_ptmp"},
}
KERNEL_NAME = {"fxsks": "FXSKS", "fxoks": "FXOKS", "fxsls": "FXSLS", "fxols": "FXOLS", "bchan": "Clear",
               "dchan": "HDLCFCS", "clear": "Clear", "e&m": "E&M"}


def scenario_file(scenario, *path):
    return os.path.join(REPO, "Tools", "dahdi-lab", "scenarios", scenario, *path)


def parse_ranges(text):
    """'1-8,10' -> {1..8, 10}"""
    result = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        result.update(range(int(first), int(last or first) + 1))
    return result


def parse_system_conf(path):
    """Channel signalling declared by a system.conf: {channel: keyword}; span= lines: set of span numbers."""
    channels, spans = {}, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            key, sep, value = line.partition("=")
            key, value = key.strip(), value.strip()
            if not sep:
                continue
            if key == "span":
                spans.add(int(value.split(",")[0]))
            elif key in KERNEL_NAME or key in CHAN_DAHDI_AGREES:
                for channel in parse_ranges(value):
                    channels[channel] = key
    return channels, spans


def parse_chan_dahdi(path):
    """chan_dahdi.conf with its #includes: {channel: signalling in effect at its 'channel =>' line}."""
    channels, signalling = {}, None

    def walk(file):
        nonlocal signalling
        with open(file, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#include"):
                    walk(os.path.join(os.path.dirname(file), line.split(None, 1)[1].strip().strip('"')))
                    continue
                line = line.split(";", 1)[0].strip()
                m = re.match(r"^(\w+)\s*=>?\s*(.*)$", line)
                if not m:
                    continue
                if m.group(1) == "signalling":
                    signalling = m.group(2)
                elif m.group(1) == "channel":
                    for channel in parse_ranges(m.group(2)):
                        channels[channel] = signalling
    walk(path)
    return channels


def subject_numbers(subject, kind):
    """Numbers a subject names: 'span 2 (DYN/loc/1:1)' -> {2} for kind 'span'; 'channels 1-8,25' -> {1..8, 25}."""
    m = re.match(rf"^{kind}s? ([0-9][0-9,\- ]*)", subject)
    return parse_ranges(m.group(1).strip(" ,-")) if m else set()


def covered(findings, expected_channels, expected_spans):
    """True if the findings' subjects name exactly these channels, or exactly these spans."""
    channels = set().union(*[subject_numbers(f["subject"], "channel") for f in findings])
    spans = set().union(*[subject_numbers(f["subject"], "span") for f in findings])
    return channels == set(expected_channels) or (spans == set(expected_spans) and not channels)


def flatten(findings):
    for f in findings:
        yield f
        yield from flatten(f.get("consequences", []))


def load_report(checks, out, scenario, expected_status):
    """What every check run must satisfy; returns check.json's report (or None when it is unreadable)."""
    report = json.loads(read(out, "check.json"))
    checks.eq("check schema_version", report.get("schema_version"), 1)
    status = report.get("status")
    checks.eq("check status", status, expected_status)
    checks.eq("check exit code matches its status", rc(out, "check"), STATUS_EXIT.get(status, -1))
    checks.eq("check text exit code", rc(out, "check-text"), rc(out, "check"))
    checks.eq("check nagios exit code", rc(out, "check-nagios"), rc(out, "check"))
    flat = list(flatten(report.get("findings", [])))
    roots = report.get("findings", [])
    # counts are root problems (what monitoring should count); folded consequences are counted apart
    counts = {k: sum(1 for f in roots if f["severity"] == k) for k in ("critical", "warning", "unknown", "info")}
    counts["folded"] = len(flat) - len(roots)
    checks.eq("check counts: roots by severity, plus folded consequences", report.get("counts"), counts)
    every = {f["severity"] for f in flat}
    worst = ("CRITICAL" if "critical" in every else "UNKNOWN" if "unknown" in every else
             "WARNING" if "warning" in every else "OK")
    checks.eq("check status is the worst severity found", status, worst)

    nagios = read(out, "check-nagios.txt")
    checks.eq("nagios output is one line", len(nagios.splitlines()), 1)
    checks.true("nagios line starts with 'DAHDI <STATUS> -'", nagios.startswith(f"DAHDI {status} -"), repr(nagios[:80]))
    checks.true("nagios line has perfdata", " | critical=" in nagios, repr(nagios))
    text = read(out, "check.txt")
    checks.true("text output opens with the status", text.startswith(f"dahdi-doctor check: {status}"), repr(text[:80]))
    for f in report.get("findings", []):
        checks.true(f"text output names root finding {f['id']} {f['subject']}", f["id"] in text and f["subject"] in text)

    try:
        observation = json.loads(read(out, "observation.json"))
        checks.eq("observation.json schema_version", observation.get("schema_version"), 1)
        checks.true("observation.json has the kernel and config parts", "dahdi" in observation and "config" in observation,
                    str(sorted(observation)))
    except (OSError, ValueError) as error:
        checks.true("observation.json is valid JSON", False, repr(error))
    replay = json.loads(read(out, "check-replay.json"))
    checks.eq("replayed observation: same exit code", rc(out, "check-replay"), rc(out, "check"))
    checks.eq("replayed observation: same status", replay.get("status"), status)
    checks.eq("replayed observation: same findings", replay.get("findings"), report.get("findings"))
    return report


_catalogue = []


def catalogue():
    """The check IDs `dahdi-doctor explain` lists (the host's release build, the binary the lab ran), or None."""
    if not _catalogue:
        import subprocess
        try:
            text = subprocess.run([os.path.join(REPO, ".build", "release", "dahdi-doctor"), "explain"],
                                  capture_output=True, text=True, timeout=30).stdout
            _catalogue.append({line.split()[0] for line in text.splitlines() if line.strip()} or None)
        except OSError:
            _catalogue.append(None)
    return _catalogue[0]


def note_unimplemented(ids):
    """After a failure: say which expected check IDs this dahdi-doctor does not have yet (a pending check, not
    a wrong one)."""
    known = catalogue()
    missing = sorted(set(ids) - known) if known is not None else []
    if missing:
        print(f"  note: not in dahdi-doctor's catalogue yet (check not implemented): {', '.join(missing)}")


def check_roots(checks, report, expected):
    """expected: {id: [subject prefix, ...] or None}: exactly these root finding IDs; with a list, one root finding
    per prefix ('span 2' matches 'span 2 (DYN/loc/1:1)'); with None, any number of subjects."""
    roots = report.get("findings", [])
    ids = sorted({f["id"] for f in roots})
    checks.eq("root finding IDs", ids, sorted(expected))
    if ids != sorted(expected):
        note_unimplemented(expected)
    for fid, prefixes in expected.items():
        if prefixes is None:
            continue
        subjects = sorted(f["subject"] for f in roots if f["id"] == fid)
        ok = len(subjects) == len(prefixes) and all(
            any(s == p or s.startswith(p + " ") for s in subjects) for p in prefixes)
        checks.true(f"root {fid} subjects are {prefixes}", ok, f"got {subjects}")


def roots_with(report, fid):
    return [f for f in report.get("findings", []) if f["id"] == fid]


def consequences_of(report, fid):
    return [c for f in roots_with(report, fid) for c in flatten(f.get("consequences", []))]


def check_report_healthy(checks, out):
    report = load_report(checks, out, "healthy", "OK")
    checks.eq("check exit code", rc(out, "check"), 0)
    checks.eq("no finding at all", report.get("findings"), [])
    checks.eq("check sees the spans dahdi_scan sees", report.get("spans"), len(parse_dahdi_scan(read(out, "dahdi_scan.txt"))))


def check_verify_healthy(checks, out):
    """verify on the healthy box: the matching manifest passes, the one ordering four spans fails with evidence."""
    import xml.etree.ElementTree as ET
    checks.eq("verify (matching manifest) exit code", rc(out, "verify-pass"), 0)
    passed = json.loads(read(out, "verify-pass.json"))
    checks.eq("verify (matching manifest) status", passed.get("status"), "pass")
    checks.eq("verify (matching manifest) failures", passed.get("counts", {}).get("fail"), 0)
    checks.true("verify (matching manifest) checked the spans, channels, cards and faults",
                {"card[1].count", "dahdi.spans", "span[1]", "span[2]", "channels[1]", "faults"}
                <= {e["id"] for e in passed.get("expectations", [])}, str([e["id"] for e in passed.get("expectations", [])]))
    spans = {e["id"]: e for e in passed["expectations"]}.get("dahdi.spans", {})
    checks.eq("verify counts the spans dahdi_scan shows", spans.get("found"), f"{len(parse_dahdi_scan(read(out, 'dahdi_scan.txt')))} span(s)")
    suite = ET.fromstring(read(out, "verify-pass.junit.xml")).find("testsuite")
    checks.eq("verify (matching manifest) JUnit: one testcase per expectation",
              len(suite.findall("testcase")), len(passed["expectations"]))
    checks.eq("verify (matching manifest) JUnit: no failure", suite.get("failures"), "0")

    checks.eq("verify (four spans ordered) exit code", rc(out, "verify-more-spans"), 1)
    failed = json.loads(read(out, "verify-more-spans.json"))
    checks.eq("verify (four spans ordered) status", failed.get("status"), "fail")
    by_id = {e["id"]: e for e in failed.get("expectations", [])}
    checks.eq("dahdi.spans fails", by_id.get("dahdi.spans", {}).get("status"), "fail")
    checks.eq("dahdi.spans found what the kernel has", by_id.get("dahdi.spans", {}).get("found"), "2 span(s)")
    evidence = by_id.get("dahdi.spans", {}).get("evidence", [])
    checks.true("dahdi.spans evidence names spans 1 and 2",
                bool(evidence) and evidence[0]["value"].startswith("1 DYN/loc/1:0") and ", 2 DYN/loc/1:1" in evidence[0]["value"], str(evidence))
    checks.eq("span 3 is missing", by_id.get("span[1]", {}).get("found"), "no span 3")
    checks.eq("the expectation points at its manifest line ([dahdi] is line 6)", by_id.get("dahdi.spans", {}).get("line"), 6)
    suite = ET.fromstring(read(out, "verify-more-spans.junit.xml")).find("testsuite")
    checks.eq("verify (four spans ordered) JUnit failures", suite.get("failures"), "2")
    text = read(out, "verify-more-spans.txt")
    checks.true("verify text says FAIL and shows the evidence", text.startswith("dahdi-doctor verify: FAIL") and "evidence: spans = 1 DYN/loc/1:0" in text, text[:400])


def check_report_no_driver(checks, out):
    # Neither the driver nor any DAHDI configuration: a gateway-only box, where DAHDI's absence is no fault.
    # (The driver-not-loaded scenario is the same kernel state with a configured box: CRITICAL.)
    report = load_report(checks, out, "no-driver", "OK")
    checks.eq("check exit code", rc(out, "check"), 0)
    check_roots(checks, report, {"dahdi-not-in-use": ["DAHDI"]})
    checks.eq("it is information only", [f["severity"] for f in report["findings"]], ["info"])


def check_driver_not_loaded(checks, out):
    report = load_report(checks, out, "driver-not-loaded", "CRITICAL")
    checks.eq("check exit code", rc(out, "check"), 2)
    # The lab loads its modules with insmod from its cache: no dahdi.ko is installed under /lib/modules for the
    # guest's kernel and there is no DKMS tree, which is what modprobe would meet on a real box. The module state is
    # the root; driver-not-loaded (and what it explains) is folded under it.
    check_roots(checks, report, {"dahdi-modules-not-installed": ["DAHDI"]})
    checks.true("dahdi_cfg agrees: it cannot open /dev/dahdi/ctl",
                rc(out, "dahdi_cfg") != 0 and "/dev/dahdi/ctl" in read(out, "dahdi_cfg.txt"), read(out, "dahdi_cfg.txt"))
    checks.true("dahdi_scan agrees: no control device", rc(out, "dahdi_scan") != 0)
    roots = roots_with(report, "dahdi-modules-not-installed")
    direct = [c for r in roots for c in r.get("consequences", [])]
    checks.eq("driver-not-loaded is folded under the module state", [c["id"] for c in direct], ["driver-not-loaded"])
    folded = [c for d in direct if d["id"] == "driver-not-loaded" for c in flatten(d.get("consequences", []))]
    allowed = {"module-not-loaded", "channel-missing-in-kernel", "chan-dahdi-channel-missing"}
    checks.true("everything else is folded under driver-not-loaded, and only what it explains",
                {c["id"] for c in folded} <= allowed, str(sorted({c["id"] for c in folded})))
    # etc/dahdi/modules lists dahdi_dynamic_loc, which is not loaded either (needs /etc/dahdi/modules parsing)
    found = any(c["id"] == "module-not-loaded" and "dahdi_dynamic_loc" in c["subject"] for c in folded)
    checks.true("module-not-loaded dahdi_dynamic_loc folded under driver-not-loaded", found,
                str([(c["id"], c["subject"]) for c in folded]))
    if not found:
        modules = json.loads(read(out, "observation.json")).get("config", {}).get("modules")
        if not modules:
            print("  note: observation.json has no config.modules: /etc/dahdi/modules is not read yet")


def finding_text(finding):
    return finding["message"] + " " + finding["remediation"] + " " + " ".join(e["value"] for e in finding["evidence"])


def check_modules_other_kernel(checks, out):
    report = load_report(checks, out, "modules-other-kernel", "CRITICAL")
    checks.eq("check exit code", rc(out, "check"), 2)
    kernels = dict(word.split("=", 1) for word in read(out, "kernels.txt").split())
    running, old, newer = kernels["running"], kernels["old"], kernels["newer"]
    checks.true("modprobe agrees: no dahdi module for the running kernel", rc(out, "modprobe") != 0, read(out, "modprobe.txt"))
    check_roots(checks, report, {"dahdi-modules-other-kernel": ["DAHDI"]})
    root = roots_with(report, "dahdi-modules-other-kernel")[0]
    checks.true("one root finding names both kernel versions", running in root["message"] and old in root["message"], root["message"])
    checks.true("it says why: the headers for the running kernel are missing",
                "headers for " + running + " are not installed" in root["message"], root["message"])
    checks.true("and gives the one fix: install those headers, then DKMS for that kernel",
                root["remediation"].startswith("install linux-headers-" + running) and "dkms autoinstall -k " + running in root["remediation"],
                root["remediation"])
    checks.true("DKMS's own state is evidence", any(e["label"] == "dkms dahdi" and old in e["value"] for e in root["evidence"]),
                str(root["evidence"]))
    checks.eq("driver-not-loaded is folded under it", [c["id"] for c in root["consequences"]], ["driver-not-loaded"])
    reboot = json.loads(read(out, "check-reboot.json"))
    checks.eq("modules for a newer installed kernel: reboot pending", [f["id"] for f in reboot["findings"]], ["dahdi-reboot-pending"])
    if reboot["findings"]:
        first = reboot["findings"][0]
        checks.true("the reboot finding names the newer kernel and the marker", newer in first["message"]
                    and any(e["source"].endswith("/run/reboot-required") for e in first["evidence"]), finding_text(first))
    real = json.loads(read(out, "check-real.json"))
    checks.eq("the lab's own root (modules insmod-ed, none installed) reads as not installed",
              [f["id"] for f in real["findings"]], ["dahdi-modules-not-installed"])


def check_timing_only(checks, out):
    report = load_report(checks, out, "timing-only", "OK")
    checks.eq("check exit code", rc(out, "check"), 0)
    checks.true("dahdi_test measured the core timer through /dev/dahdi/pseudo", "%" in read(out, "dahdi_test.txt"), read(out, "dahdi_test.txt"))
    checks.true("/proc/dahdi has no span file", "1" not in read(out, "proc-dahdi.txt").split(), read(out, "proc-dahdi.txt"))
    check_roots(checks, report, {"dahdi-timing-only": ["DAHDI timing"]})
    checks.eq("no no-dahdi-devices on a card-less box that uses DAHDI for timing",
              [f["id"] for f in flatten(report["findings"]) if f["id"] == "no-dahdi-devices"], [])
    hidden = json.loads(read(out, "check-no-nodes.json"))
    checks.eq("pseudo and timer hidden: devices missing", [f["id"] for f in hidden["findings"]], ["dahdi-timing-devices-missing"])
    checks.eq("check exit code without the nodes", rc(out, "check-no-nodes"), 2)


def check_report_unassigned(checks, out):
    report = load_report(checks, out, "unassigned", "CRITICAL")
    checks.eq("check exit code", rc(out, "check"), 2)
    # one root for the box, each device a line of evidence
    check_roots(checks, report, {"spans-not-assigned": ["2 devices"]})
    root = roots_with(report, "spans-not-assigned")
    checks.true("both devices are in the evidence", bool(root) and
                {e["label"] for e in root[0]["evidence"]} >= {"device dynamic:loc:0", "device dynamic:loc:1"}, str(root[:1]))
    folded = [c for f in report.get("findings", []) for c in flatten(f.get("consequences", []))]
    checks.true("only missing channels are folded under spans-not-assigned",
                {c["id"] for c in folded} <= {"channel-missing-in-kernel", "chan-dahdi-channel-missing"},
                str(sorted({c["id"] for c in folded})))


def check_red_yellow(checks, out):
    report = load_report(checks, out, "red-yellow", "CRITICAL")
    checks.eq("check exit code", rc(out, "check"), 2)
    check_roots(checks, report, {"span-red-alarm": ["span 1"], "span-yellow-alarm": ["span 2"]})
    checks.eq("RED (the receiving side's fault) is listed before YELLOW",
              [f["id"] for f in report.get("findings", [])][:2], ["span-red-alarm", "span-yellow-alarm"])
    scan = {s["number"]: s for s in parse_dahdi_scan(read(out, "dahdi_scan.txt"))}
    for fid, word in (("span-red-alarm", "RED"), ("span-yellow-alarm", "YEL")):
        for f in roots_with(report, fid):
            for n in subject_numbers(f["subject"], "span"):
                checks.eq(f"dahdi_scan agrees: span {n} alarms", scan.get(n, {}).get("alarms"), word)
    ls = parse_lsdahdi(read(out, "lsdahdi.txt"))
    for fid, word, span_channels in (("span-red-alarm", "RED", range(1, 25)), ("span-yellow-alarm", "YELLOW", range(25, 49))):
        folded = consequences_of(report, fid)
        checks.eq(f"{fid}: every folded consequence is a channel alarm", sorted({c["id"] for c in folded}), ["channel-alarm"])
        ours = set().union(*[subject_numbers(c["subject"], "channel") for c in folded])
        # only configured channels matter (lsdahdi's signalling column is empty for unused ones such as 24 and 48)
        theirs = {n for n, c in ls.items() if word in c["alarms"] and c["signalling"]}
        checks.eq(f"{fid}: folded channels are the configured ones lsdahdi shows in {word}", sorted(ours), sorted(theirs))
        checks.true(f"{fid}: folded channels all belong to the span", ours <= set(span_channels) and len(ours) >= 20, str(sorted(ours)))


def check_unconfigured(checks, out):
    report = load_report(checks, out, "unconfigured", "WARNING")
    checks.eq("check exit code", rc(out, "check"), 1)
    check_roots(checks, report, {"span-unconfigured": ["span 2"]})
    scan = {s["number"]: s for s in parse_dahdi_scan(read(out, "dahdi_scan.txt"))}
    checks.eq("dahdi_scan agrees: span 1 alarms", scan.get(1, {}).get("alarms"), "OK")
    checks.eq("dahdi_scan agrees: span 2 alarms", scan.get(2, {}).get("alarms"), "UNCONFIGURED")
    ls = parse_lsdahdi(read(out, "lsdahdi.txt"))
    checks.eq("lsdahdi agrees: no channel of span 2 has a signalling",
              [n for n in range(25, 49) if ls.get(n, {}).get("signalling", "?") != ""], [])
    declared, _ = parse_system_conf(scenario_file("unconfigured", "etc", "dahdi", "system.conf"))
    checks.eq("etc system.conf declares nothing on span 2", sorted(c for c in declared if c > 24), [])


def kernel_signalling(out):
    return {n: c["signalling"] for n, c in parse_lsdahdi(read(out, "lsdahdi.txt")).items()}


def check_inverted_signalling(checks, out):
    report = load_report(checks, out, "inverted-signalling", report_status(out))
    applied, _ = parse_system_conf(scenario_file("inverted-signalling", "system.conf"))
    on_disk, _ = parse_system_conf(scenario_file("inverted-signalling", "etc", "dahdi", "system.conf"))
    kernel = kernel_signalling(out)
    checks.eq("lsdahdi agrees: the kernel runs the applied system.conf",
              {n: kernel.get(n) for n in applied}, {n: KERNEL_NAME[k] for n, k in applied.items()})
    drift = sorted(n for n in on_disk if kernel.get(n) != KERNEL_NAME[on_disk[n]])
    checks.eq("the kernel differs from etc/dahdi/system.conf on the analog ports", drift,
              list(range(1, 17)) + list(range(25, 41)))
    check_roots(checks, report, {"channel-config-drift": None})
    checks.true("channel-config-drift names the drifted channels (or their spans)",
                covered(roots_with(report, "channel-config-drift"), drift, {1, 2}),
                str([f["subject"] for f in roots_with(report, "channel-config-drift")]))
    checks.true("the status is a problem (WARNING or CRITICAL)", report.get("status") in ("WARNING", "CRITICAL"))
    # chan_dahdi.conf agrees with the kernel; if it is compared with the edited file, that is a consequence of
    # the drift, not a second root cause
    checks.true("no chan-dahdi-signalling-mismatch at the top (folded under the drift if reported)",
                not roots_with(report, "chan-dahdi-signalling-mismatch"))


def check_chan_dahdi_mismatch(checks, out):
    report = load_report(checks, out, "chan-dahdi-mismatch", report_status(out))
    system, _ = parse_system_conf(scenario_file("chan-dahdi-mismatch", "etc", "dahdi", "system.conf"))
    chan_dahdi = parse_chan_dahdi(scenario_file("chan-dahdi-mismatch", "etc", "asterisk", "chan_dahdi.conf"))
    mismatch = sorted(n for n, sig in chan_dahdi.items() if sig not in CHAN_DAHDI_AGREES.get(system.get(n), set()))
    checks.eq("chan_dahdi.conf disagrees with system.conf on channels 9-12", mismatch, [9, 10, 11, 12])
    kernel = kernel_signalling(out)
    checks.eq("lsdahdi agrees: channels 9-12 are FXOKS in the kernel", [kernel.get(n) for n in mismatch], ["FXOKS"] * 4)
    check_roots(checks, report, {"chan-dahdi-signalling-mismatch": None})
    checks.true("chan-dahdi-signalling-mismatch names channels 9-12 (or span 1)",
                covered(roots_with(report, "chan-dahdi-signalling-mismatch"), mismatch, {1}),
                str([f["subject"] for f in roots_with(report, "chan-dahdi-signalling-mismatch")]))
    checks.true("the status is a problem (WARNING or CRITICAL)", report.get("status") in ("WARNING", "CRITICAL"))


def check_ami_no_chan_dahdi(checks, out):
    """The real kernel's configured channels against an Asterisk (the AMI replay server in the guest) whose chan_dahdi
    is not loaded."""
    report = load_report(checks, out, "ami-no-chan-dahdi", "CRITICAL")
    check_roots(checks, report, {"chan-dahdi-not-loaded": ["chan_dahdi"], "pjsip-registration-failed": None,
                                 "pjsip-endpoints-no-contact": None})
    configured = [n for n, c in parse_lsdahdi(read(out, "lsdahdi.txt")).items() if c["signalling"]]
    root = roots_with(report, "chan-dahdi-not-loaded")
    checks.true("the finding counts the channels lsdahdi shows configured",
                bool(root) and root[0]["message"].startswith(f"{len(configured)} DAHDI channel(s) are configured"),
                f"{len(configured)} vs {root[0]['message'] if root else None}")
    ami = [s for s in report.get("sources", []) if s["name"] == "ami"]
    checks.true("AMI was read", bool(ami) and ami[0]["available"], str(ami))
    checks.eq("chan_dahdi is the first root cause", report["findings"][0]["id"] if report.get("findings") else None,
              "chan-dahdi-not-loaded")


def check_demo(checks, out):
    """Tools/demo's box: several independent faults at once, each its own root, live outages first."""
    report = load_report(checks, out, "demo", "CRITICAL")
    scan = {s["number"]: s for s in parse_dahdi_scan(read(out, "dahdi_scan.txt"))}
    checks.eq("dahdi_scan agrees: span 1 RED, span 2 YEL", (scan.get(1, {}).get("alarms"), scan.get(2, {}).get("alarms")), ("RED", "YEL"))
    check_roots(checks, report, {
        "span-red-alarm": ["span 1"], "span-yellow-alarm": ["span 2"],
        "chan-dahdi-signalling-mismatch": ["channels 9-12"], "channel-missing-in-kernel": ["channels 49-52"],
        "module-not-loaded": ["module wctdm24xxp"], "echo-canceller-not-attached": ["channels 1-16"],
    })
    ids = [f["id"] for f in report.get("findings", [])]
    checks.eq("the live outages (span alarms) come first", ids[:2], ["span-red-alarm", "span-yellow-alarm"])
    checks.eq("nothing but channel alarms is folded under the span alarms",
              sorted({c["id"] for fid in ("span-red-alarm", "span-yellow-alarm") for c in consequences_of(report, fid)}),
              ["channel-alarm"])


def check_missing_channels(checks, out):
    report = load_report(checks, out, "missing-channels", report_status(out))
    declared, spans = parse_system_conf(scenario_file("missing-channels", "etc", "dahdi", "system.conf"))
    chan_dahdi = parse_chan_dahdi(scenario_file("missing-channels", "etc", "asterisk", "chan_dahdi.conf"))
    kernel = kernel_signalling(out)
    scan = parse_dahdi_scan(read(out, "dahdi_scan.txt"))
    checks.eq("dahdi_scan agrees: spans 1 and 2 only", [s["number"] for s in scan], [1, 2])
    checks.eq("lsdahdi agrees: channels 1-48 only", sorted(kernel), list(range(1, 49)))
    missing = sorted(set(declared) - set(kernel))
    checks.eq("etc system.conf declares channels 49-60 the kernel lacks", missing, list(range(49, 61)))
    checks.eq("etc system.conf declares span 3", sorted(spans), [3])
    chan_missing = sorted(set(chan_dahdi) - set(kernel))
    checks.eq("chan_dahdi.conf names channels 49-52 the kernel lacks", chan_missing, [49, 50, 51, 52])

    roots = {f["id"] for f in report.get("findings", [])}
    # chan-dahdi-channel-missing is either its own root cause or folded under channel-missing-in-kernel
    expected = {"channel-missing-in-kernel"} | ({"chan-dahdi-channel-missing"} & roots)
    checks.eq("root finding IDs", sorted(roots), sorted(expected))
    if roots != expected:
        note_unimplemented(["channel-missing-in-kernel", "chan-dahdi-channel-missing"])
    checks.true("channel-missing-in-kernel names channels 49-60 (or span 3)",
                covered(roots_with(report, "channel-missing-in-kernel"), missing, {3}),
                str([f["subject"] for f in roots_with(report, "channel-missing-in-kernel")]))
    chan_findings = [f for f in flatten(report.get("findings", [])) if f["id"] == "chan-dahdi-channel-missing"]
    checks.true("chan-dahdi-channel-missing names channels 49-52 (at the top or folded)",
                covered(chan_findings, chan_missing, {3}), str([f["subject"] for f in chan_findings]))
    checks.true("the status is a problem (WARNING or CRITICAL)", report.get("status") in ("WARNING", "CRITICAL"))


def chan_dahdi_channel_numbers(scenario):
    """Every channel number chan_dahdi.conf (with dahdi-channels.conf) lists."""
    numbers = set()
    for name in ("chan_dahdi.conf", "dahdi-channels.conf"):
        try:
            text = open(scenario_file(scenario, "etc", "asterisk", name)).read()
        except OSError:
            continue
        for line in text.splitlines():
            m = re.match(r"\s*(?:channel|dahdichan)\s*=>?\s*([0-9,\- ]+)", line.split(";")[0])
            if m:
                for part in m.group(1).replace(" ", "").split(","):
                    if part:
                        a, _, b = part.partition("-")
                        numbers.update(range(int(a), int(b or a) + 1))
    return numbers


def check_asterisk_stopped(checks, out):
    """The healthy box with Asterisk not running: the kernel shows every chan_dahdi.conf channel closed, and check
    says so (CRITICAL) without AMI."""
    report = load_report(checks, out, "asterisk-stopped", "CRITICAL")
    check_roots(checks, report, {"dahdi-channels-not-held": None})
    ls = parse_lsdahdi(read(out, "lsdahdi.txt"))
    listed = sorted(n for n in chan_dahdi_channel_numbers("asterisk-stopped") if ls.get(n, {}).get("signalling"))
    checks.true("lsdahdi agrees: no chan_dahdi.conf channel is in use", bool(listed) and not any(ls[n]["in_use"] for n in listed),
                str([n for n in listed if ls[n]["in_use"]]))
    root = roots_with(report, "dahdi-channels-not-held")
    checks.true("the finding counts every configured chan_dahdi.conf channel",
                bool(root) and f"none of the {len(listed)} DAHDI channel(s)" in root[0]["message"],
                f"{len(listed)} vs {root[0]['message'] if root else None}")
    scan = parse_dahdi_scan(read(out, "dahdi_scan.txt"))
    checks.eq("dahdi_scan agrees: the spans are OK (dynamic spans never raise NOTOPEN)", [s["alarms"] for s in scan], ["OK", "OK"])
    checks.eq("no span finding", [f["id"] for f in flatten(report.get("findings", [])) if f["id"].startswith("span-")], [])


def check_chan_dahdi_declined(checks, out):
    """chan_dahdi.conf lists channels 49-52 the kernel lacks, ignore_failed_channels unset: the real chan_dahdi
    declines to load (the replayed AMI bytes), and nothing holds the channels. One root: the missing channels."""
    report = load_report(checks, out, "chan-dahdi-declined", "CRITICAL")
    check_roots(checks, report, {"chan-dahdi-channel-missing": ["channels 49-52"]})
    below = {c["id"] for c in consequences_of(report, "chan-dahdi-channel-missing")}
    checks.true("chan-dahdi-not-loaded and dahdi-channels-not-held are folded under it",
                {"chan-dahdi-not-loaded", "dahdi-channels-not-held"} <= below, str(sorted(below)))
    flat = list(flatten(report.get("findings", [])))
    not_loaded = [f for f in flat if f["id"] == "chan-dahdi-not-loaded"]
    fix = not_loaded[0]["remediation"] if not_loaded else ""
    checks.true("the fix names the file and ignore_failed_channels, then module load",
                "ignore_failed_channels" in fix and "module load chan_dahdi.so" in fix and "chan_dahdi.conf" in fix, fix)
    checks.true("no claim that spans show NOTOPEN", all("NOTOPEN" not in f["message"] for f in flat))
    checks.eq("no 'action unsupported' for the PJSIP of a DAHDI-only Asterisk",
              [f["subject"] for f in flat if f["id"] == "asterisk-action-unsupported"], [])
    ami = [s for s in report.get("sources", []) if s["name"] == "ami"]
    checks.true("AMI was read", bool(ami) and ami[0]["available"], str(ami))


def check_ami_dahdi_only(checks, out):
    """A running DAHDI-only Asterisk (res_pjsip not loaded) on the healthy box: OK, no finding."""
    report = load_report(checks, out, "ami-dahdi-only", "OK")
    checks.eq("no finding at all", report.get("findings"), [])
    checks.true("the stand-in Asterisk held the channels", read(out, "standin.txt").startswith("ready "), read(out, "standin.txt"))
    ami = [s for s in report.get("sources", []) if s["name"] == "ami"]
    checks.true("AMI was read", bool(ami) and ami[0]["available"], str(ami))


def report_status(out):
    """For scenarios whose severity is the implementer's choice: the status check.json claims (load_report then
    checks it against the exit code, the counts and the nagios line)."""
    try:
        return json.loads(read(out, "check.json")).get("status")
    except (OSError, ValueError):
        return None


def validate_schema(checks, out):
    """Every scan JSON the lab produced must match Config/scan.schema.v1.json, every check report
    Config/report.schema.v1.json."""
    import jsonschema  # Debian python3-jsonschema (Tools/setup installs it)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "Config", "report.schema.v1.json"), encoding="utf-8") as f:
        report_schema = json.load(f)
    for name in sorted(os.listdir(out)):
        if name.startswith("check") and name.endswith(".json"):
            try:
                jsonschema.validate(json.loads(read(out, name)), report_schema)
                checks.true(f"{name} matches the report schema", True)
            except jsonschema.ValidationError as error:
                checks.true(f"{name} matches the report schema", False, error.message)
    with open(os.path.join(here, "..", "..", "Config", "verify.schema.v1.json"), encoding="utf-8") as f:
        verify_schema = json.load(f)
    for name in sorted(os.listdir(out)):
        if name.startswith("verify") and name.endswith(".json"):
            try:
                jsonschema.validate(json.loads(read(out, name)), verify_schema)
                checks.true(f"{name} matches the verify schema", True)
            except jsonschema.ValidationError as error:
                checks.true(f"{name} matches the verify schema", False, error.message)
    with open(os.path.join(here, "..", "..", "Config", "scan.schema.v1.json"), encoding="utf-8") as f:
        schema = json.load(f)
    for name in sorted(os.listdir(out)):
        if name.startswith("scan") and name.endswith(".json"):
            try:
                jsonschema.validate(json.loads(read(out, name)), schema)
                checks.true(f"{name} matches the schema", True)
            except jsonschema.ValidationError as error:
                checks.true(f"{name} matches the schema", False, error.message)


# Scenario -> its assertions, each run even when another raised (one unreadable file does not hide the rest).
def agent_document(out, name):
    """agent_get.py's output: the HTTP status code, then the JSON body."""
    code, _, body = read(out, name).partition("\n")
    return int(code), json.loads(body)


def root_ids(report):
    return sorted({f["id"] for f in report.get("findings", [])})


def prom_value(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return None


def check_agent(checks, out):
    """The agent while the box changes under it (see the scenario's steps.sh): each phase's socket answers and
    textfile follow the kernel, dahdi_scan agrees, and the agent neither crashes nor steals a live socket."""
    phases = ["1-healthy", "2-red", "3-healthy-again", "4-unloaded", "5-reloaded", "6-ami-gone", "7-writable-again"]
    reports = {}
    for phase in phases:
        checks.eq(f"agent alive at phase {phase}", read(out, f"agent-{phase}.alive").strip(), "alive")
        code, report = agent_document(out, f"agent-{phase}.report")
        checks.eq(f"/v1/report answers 200 at phase {phase}", code, 200)
        reports[phase] = report
        hcode, health = agent_document(out, f"agent-{phase}.health")
        checks.eq(f"/v1/health status follows the report at {phase}", health.get("status"), report.get("status"))
        checks.eq(f"/v1/health code at {phase}", hcode, 200 if report.get("status") == "OK" else 503)
        kernel = [s for s in health.get("sources", []) if s["name"] == "kernel"]
        checks.true(f"the kernel source keeps reading at {phase}", bool(kernel) and kernel[0]["runs"] >= 2, str(kernel))
        prom = read(out, f"agent-{phase}.prom")
        checks.true(f"the textfile is complete at {phase}", prom.endswith("\n") and "dahdi_doctor_up" in prom)
        checks.eq(f"promtool accepts the textfile of {phase}", read(out, f"agent-{phase}.prom.promtool.rc").strip(), "0")
    red, healthy = reports["2-red"], reports["1-healthy"]
    checks.true("span alarms appear when the spans are recreated in RED/YELLOW",
                {"span-red-alarm", "span-yellow-alarm"} <= set(root_ids(red)), str(root_ids(red)))
    checks.eq("no span alarm while the link is wired", [i for i in root_ids(healthy) if i.startswith("span-")], [])
    checks.eq("the alarms clear again", [i for i in root_ids(reports["3-healthy-again"]) if i.startswith("span-")], [])
    checks.eq("the red textfile says span 1 red", prom_value(read(out, "agent-2-red.prom"), 'dahdi_span_alarm{span="1",alarm="red"}'), 1.0)
    # Within one interval (1 s here) plus one read and one poll: 3 s leaves room for a loaded 2-core CI box.
    latency = json.loads(read(out, "agent-red-latency.json"))
    for name in ("report", "textfile"):
        after = latency.get(f"{name}_after_s")
        checks.true(f"span 1 RED reaches the {name} within one interval of the kernel saying so",
                    after is not None and after <= 3.0, str(latency))
    checks.eq("/v1/health is CRITICAL when the report shows RED", latency.get("health_status"), "CRITICAL")
    checks.eq("the healthy textfile says span 1 not red",
              prom_value(read(out, "agent-1-healthy.prom"), 'dahdi_span_alarm{span="1",alarm="red"}'), 0.0)
    unloaded = reports["4-unloaded"]
    checks.true("the unloaded driver is the root finding",
                bool({"driver-not-loaded", "control-device-missing", "dahdi-modules-not-installed"} & set(root_ids(unloaded))), str(root_ids(unloaded)))
    checks.eq("no span is left once the driver is gone", unloaded.get("spans"), 0)
    checks.eq("the textfile says the ioctl source is down", prom_value(read(out, "agent-4-unloaded.prom"), 'dahdi_doctor_up{source="ioctl"}'), 0.0)
    reloaded = reports["5-reloaded"]
    checks.eq("reloaded: both spans back", (reloaded.get("spans"), reloaded.get("channels")), (2, 48))
    checks.eq("reloaded: the same root findings as before the unload", root_ids(reloaded), root_ids(healthy))
    log = read(out, "agent.log")
    checks.true("the reload was heard as hotplug events", "rescanning after hotplug: add dahdi" in log)
    checks.true("the unload was heard as hotplug events", "rescanning after hotplug: remove dahdi" in log
                or "rescanning after hotplug: unbind dahdi" in log)
    gone = reports["6-ami-gone"]
    ami = [s for s in gone.get("sources", []) if s["name"] == "ami"]
    checks.true("the AMI peer gone is reported", bool(ami) and not ami[0]["available"], str(ami))
    # Asterisk gone leaves the DAHDI channels unheld too (no stand-in runs here): folded under that, or a root.
    checks.true("...as a finding", "ami-unreachable" in [f["id"] for f in flatten(gone.get("findings", []))], str(root_ids(gone)))
    checks.true("the event session noticed", "AMI event session lost" in log)
    checks.eq("AMI loss logged once per reason, not per attempt", log.count("AMI event session lost: connect"), 1)
    checks.true("the read-only textfile directory is reported once", log.count("cannot write metrics") == 1, log.count("cannot write metrics"))
    checks.true("...and its recovery", "metrics are written again" in log)
    checks.true("the socket answers while /run is read-only",
                read(out, "agent-7-run-readonly.health").split("\n")[0] in ("200", "503"))
    checks.true("the textfile stayed whole while read-only", read(out, "agent-7-readonly.prom").endswith("\n"))
    checks.eq("promtool accepts it", read(out, "agent-7-readonly.prom.promtool.rc").strip(), "0")
    checks.eq("a second agent is refused (exit 69)", rc(out, "agent-second"), 69)
    checks.true("...saying why", "another agent is already listening" in read(out, "agent-second.err"))
    checks.eq("an agent whose socket directory cannot be made exits 69", rc(out, "agent-readonly-run"), 69)
    checks.true("...saying why", "Read-only file system" in read(out, "agent-readonly-run.err"))
    checks.true("the live agent still answers after both", read(out, "agent-8-after-intruders.health").split("\n")[0] in ("200", "503"))
    checks.eq("SIGTERM: exit 0", read(out, "agent.rc").strip(), "0")
    checks.eq("SIGTERM: socket removed", read(out, "agent-socket-after-stop.txt").strip(), "absent")
    checks.eq("SIGTERM: the textfile is left valid", read(out, "agent-9-final.prom.promtool.rc").strip(), "0")
    checks.true("no crash in the kernel log", "Call Trace" not in read(out, "dmesg.txt") and "BUG" not in read(out, "dmesg.txt"))


SCENARIOS = {
    "healthy": [check_healthy, check_report_healthy, check_verify_healthy],
    "no-driver": [check_no_driver, check_report_no_driver],
    "unassigned": [check_unassigned, check_report_unassigned],
    "red-yellow": [check_red_yellow],
    "unconfigured": [check_unconfigured],
    "inverted-signalling": [check_inverted_signalling],
    "chan-dahdi-mismatch": [check_chan_dahdi_mismatch],
    "missing-channels": [check_missing_channels],
    "driver-not-loaded": [check_driver_not_loaded],
    "modules-other-kernel": [check_modules_other_kernel],
    "timing-only": [check_timing_only],
    "demo": [check_demo],
    "ami-no-chan-dahdi": [check_ami_no_chan_dahdi],
    "asterisk-stopped": [check_asterisk_stopped],
    "chan-dahdi-declined": [check_chan_dahdi_declined],
    "ami-dahdi-only": [check_ami_dahdi_only],
    "agent": [check_agent],
}


def main():
    scenario, out = sys.argv[1], sys.argv[2]
    checks = Checks()
    if scenario == "schema":   # check_lab.py schema DIR: validate every scan*.json in DIR
        validate_schema(checks, out)
        print(f"schema: {checks.passed} passed, {checks.failed} failed")
        return 1 if checks.failed else 0
    if scenario not in SCENARIOS:
        print(f"check_lab.py: unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    for part in SCENARIOS[scenario]:
        try:
            part(checks, out)
        except (OSError, ValueError, KeyError, TypeError) as error:  # a missing or malformed output is a failure
            checks.true(f"{scenario} {part.__name__}: outputs readable", False, repr(error))
    try:
        validate_schema(checks, out)
    except (OSError, ValueError) as error:
        checks.true(f"{scenario} scan JSON readable", False, repr(error))
    print(f"lab {scenario}: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
