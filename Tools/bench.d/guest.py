#!/usr/bin/env python3
"""Tools/bench, guest side: runs inside the dahdi-lab guest (the real DAHDI driver) after steps.sh has applied the
box's system.conf, and writes $OUT/bench.json. Lab-only; see Tools/bench.

Measures, all in this boot:
  * whole process: `dahdi-doctor --version`, `scan`, `scan --json`, `check`, `check --json`, `dahdi_scan`, `lsdahdi`,
    process start A/B (`--version` with OpenSSL preloaded; bare `dahdi-doctor` against a check parsed from the root),
    each run --runs times (round robin, after one untimed warm-up run each), wall time from spawn to exit and the
    child's CPU time;
  * in process: `dahdi-walk READS` (C floor: the same ioctls) and `dahdi-doctor scan --bench-reads READS` (ioctls,
    full read, scan and scan --json pipelines, the parts), alternated --rounds times;
  * optionally the agent at rest for --agent-seconds: CPU share and resident memory from /proc/PID/{stat,status}.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def spawn_timed(argv):
    """Runs argv with stdout/stderr to /dev/null; returns (wall_ms, cpu_ms, status)."""
    actions = [(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
               (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
    env = dict(os.environ)
    while "=" in argv[0]:   # leading NAME=value words set the environment, as in a shell
        name, value = argv[0].split("=", 1)
        env[name] = value
        argv = argv[1:]
    t0 = time.monotonic_ns()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.monotonic_ns() - t0) / 1e6
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status)


def quantile(values, q):
    s = sorted(values)
    i = max(0, min(len(s) - 1, int(-(-q * len(s) // 1)) - 1))
    return s[i]


def summary(values):
    return {"n": len(values), "median": statistics.median(values), "p90": quantile(values, 0.9),
            "min": min(values), "max": max(values)}


def parse_bench_lines(text):
    out = {}
    for line in text.splitlines():
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if "bench" in fields:
            kind = fields.pop("bench")
            out[kind] = {k: (v if k == "control" else float(v)) for k, v in fields.items()}
    return out


def whole_process(doctor, runs, etc_root):
    # `--version` is the floor of any dahdi-doctor command: exec, the dynamic loader, the Swift runtime and the
    # argument parser, nothing read. `check` reads the box's etc/ as a technician's would be read.
    commands = {
        "dahdi-doctor --version": [doctor, "--version"],
        "dahdi-doctor scan": [doctor, "scan"],
        "dahdi-doctor scan --json": [doctor, "scan", "--json"],
        "dahdi-doctor check": [doctor, "check", "--etc-root", etc_root],
        "dahdi-doctor check --json": [doctor, "check", "--json", "--etc-root", etc_root],
        "dahdi_scan": ["dahdi_scan"],
        "lsdahdi": ["lsdahdi"],
        # process start, A/B in one boot: OpenSSL is loaded on first TLS use (dlopen); preloading it shows what
        # loading it at every start (as when it was linked) costs. `scan` is read without ArgumentParser, the same
        # scan with `--opt=value` through it. Bare `dahdi-doctor` is parsed as `check` directly; an option before
        # the command makes ArgumentParser parse the same check from the root.
        "dahdi-doctor --version, OpenSSL preloaded": ["LD_PRELOAD=libssl.so.3", doctor, "--version"],
        "dahdi-doctor scan --sysfs-root=/sys (ArgumentParser)": [doctor, "scan", "--sysfs-root=/sys"],
        "dahdi-doctor (bare: check)": [doctor],
        "dahdi-doctor --fs-root / (check, from the root)": [doctor, "--fs-root", "/"],
        # The same with the address space not randomised (setarch -R), for both tools: QEMU 7.2's TCG keys the code
        # it has translated by virtual address, so with ASLR every process translates again all the code it runs;
        # without it, a later process at the same addresses reuses the translations. Not the target (a real CPU
        # has no such cost, and the package keeps ASLR); it shows how much of a ratio is translation under TCG.
        # setarch's own exec is in both.
        "dahdi_scan, ASLR off": ["setarch", "x86_64", "-R", "dahdi_scan"],
        "dahdi-doctor --version, ASLR off": ["setarch", "x86_64", "-R", doctor, "--version"],
        "dahdi-doctor scan, ASLR off": ["setarch", "x86_64", "-R", doctor, "scan"],
        "dahdi-doctor check, ASLR off": ["setarch", "x86_64", "-R", doctor, "check", "--etc-root", etc_root],
    }
    wall = {k: [] for k in commands}
    cpu = {k: [] for k in commands}
    status = {}
    for name, argv in commands.items():
        status[name] = spawn_timed(argv)[2]   # warm-up: page cache, 9p cache
    names = list(commands)
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
            w, c, rc = spawn_timed(commands[name])
            wall[name].append(w)
            cpu[name].append(c)
            status[name] = status[name] or rc
    return {name: {"argv": " ".join("dahdi-doctor" if a == doctor else "ETC" if a == etc_root else a for a in argv),
                   "wall_ms": summary(wall[name]), "cpu_ms": summary(cpu[name]), "rc": status[name]}
            for name, argv in commands.items()}


def in_process(doctor, reads, rounds):
    rows = []
    for _ in range(rounds):
        floor = subprocess.run(["dahdi-walk", str(reads)], capture_output=True, text=True)
        ours = subprocess.run([doctor, "scan", "--bench-reads", str(reads)], capture_output=True, text=True)
        if floor.returncode != 0 or ours.returncode != 0:
            raise SystemExit(f"in-process bench failed: dahdi-walk rc={floor.returncode} {floor.stderr!r}; "
                             f"dahdi-doctor rc={ours.returncode} {ours.stderr!r}")
        row = parse_bench_lines(floor.stdout)
        row.update(parse_bench_lines(ours.stdout))
        rows.append(row)
    return rows


def http_get(path, target):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: agent\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def proc_sample(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu_ticks = int(fields[11]) + int(fields[12])   # utime, stime (fields 14 and 15 of stat)
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.strip()
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    return {"t": time.monotonic(), "ticks": cpu_ticks, "rss_kib": int(status["VmRSS"].split()[0]),
            "hwm_kib": int(status["VmHWM"].split()[0]), "threads": int(status["Threads"]),
            "box_idle": cpu[3] + cpu[4], "box_total": sum(cpu[:8])}


def agent_profile(pid, seconds, out):
    """perf (cpu-clock, frame-pointer call graphs) on the running agent for `seconds`; the flat and the caller
    views go to $OUT/agent-perf*.txt (Swift names still mangled: Tools/bench demangles them on the host)."""
    data = os.path.join("/tmp", "agent-perf.data")
    rec = subprocess.run(["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-o", data, "-p", str(pid),
                          "--", "sleep", str(seconds)], capture_output=True, text=True)
    if rec.returncode != 0:
        return {"error": rec.stderr.strip()[-500:]}
    for name, extra in (("agent-perf.txt", ["--no-children", "--sort", "dso,sym", "-g", "none"]),
                        ("agent-perf-callers.txt", ["--children", "--sort", "sym", "-g", "caller,0.5,callee", "--percent-limit", "2"])):
        with open(os.path.join(out, name), "w") as f:
            subprocess.run(["perf", "report", "-i", data, "--stdio"] + extra, stdout=f, stderr=subprocess.STDOUT)
    return {"seconds": seconds, "files": ["agent-perf.txt", "agent-perf-callers.txt"]}


def agent_at_rest(doctor, etc_root, seconds, interval, profile_seconds=0, out="/tmp"):
    sock = "/run/dahdi-doctor-bench/doctor.sock"
    argv = [doctor, "agent", "--socket", sock, "--interval", str(interval), "--etc-root", etc_root,
            "--config", "/nonexistent/dahdi-doctor.toml", "--no-gateways", "--no-ami"]
    t0 = time.monotonic()
    # The journal to a file (a pipe nobody reads would block the agent once full): $OUT/agent-at-rest.log.
    log = open(os.path.join(out, "agent-at-rest.log"), "wb")
    agent = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)
    ready = None
    while time.monotonic() - t0 < 60:
        try:
            if http_get(sock, "/v1/health").startswith(b"HTTP/1.1"):
                ready = time.monotonic() - t0
                break
        except OSError:
            time.sleep(0.1)
    if ready is None:
        agent.kill()
        raise SystemExit("agent did not answer within 60 s; see agent-at-rest.log")
    time.sleep(1)   # past the first run
    log.flush()
    journal_start = os.path.getsize(os.path.join(out, "agent-at-rest.log"))
    samples = [proc_sample(agent.pid)]
    while samples[-1]["t"] - samples[0]["t"] < seconds:
        time.sleep(1)
        samples.append(proc_sample(agent.pid))
    # What the agent's journal says changed during the window (a box at rest says nothing): each root
    # transition is a line, folded ones are counted on a "(+N transition(s) ..." line.
    with open(os.path.join(out, "agent-at-rest.log"), "rb") as f:
        f.seek(journal_start)
        window_journal = f.read().decode("utf-8", "replace").splitlines()
    transitions = sum(1 for line in window_journal if ": agent: raised " in line or ": agent: cleared " in line)
    transitions += sum(int(m.group(1)) for line in window_journal
                       if (m := re.search(r"\(\+(\d+) transition\(s\)", line)))
    report = http_get(sock, "/v1/report")
    # Profiled after the measured window, so perf's own cost is not in the CPU share.
    profile = agent_profile(agent.pid, profile_seconds, out) if profile_seconds > 0 else None
    agent.terminate()
    rc = agent.wait(timeout=30)
    first, last = samples[0], samples[-1]
    elapsed = last["t"] - first["t"]
    rss = [s["rss_kib"] for s in samples]
    body = report.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in report else b""
    try:
        summary_line = json.loads(body).get("summary", "")
    except ValueError:
        summary_line = ""
    return {"argv": " ".join(a if a != doctor else "dahdi-doctor" for a in argv), "seconds": elapsed,
            "interval_s": interval, "ready_s": ready,
            "cpu_share": (last["ticks"] - first["ticks"]) / CLK_TCK / elapsed,
            "cpu_s": (last["ticks"] - first["ticks"]) / CLK_TCK,
            "rss_kib_first": rss[0], "rss_kib_last": rss[-1], "rss_kib_min": min(rss), "rss_kib_max": max(rss),
            # Growth: the last minute's mean against the first minute's (single samples jitter by a page or two).
            "rss_kib_growth": round(statistics.fmean(rss[-60:]) - statistics.fmean(rss[:60])),
            "rss_kib_per_second": rss,
            # Transitions the agent recorded in the window: each is kept in /v1/events (up to 1000), so a box
            # whose alarms flapped shows bounded growth that is not a leak.
            "transitions_in_window": transitions,
            "profile": profile,
            "hwm_kib": last["hwm_kib"], "threads": last["threads"],
            "box_busy_share": 1 - (last["box_idle"] - first["box_idle"]) / max(1, last["box_total"] - first["box_total"]),
            "report_summary": summary_line, "exit": rc,
            # CPU ticks (1/CLK_TCK s) used in each second of the window: a full read stands out as a spike.
            "cpu_ticks_per_second": [b["ticks"] - a["ticks"] for a, b in zip(samples, samples[1:])]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--doctor", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--runs", type=int, default=11)
    p.add_argument("--reads", type=int, default=50)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--agent-seconds", type=float, default=0)
    p.add_argument("--agent-interval", type=float, default=5)
    p.add_argument("--agent-profile", type=float, default=0, help="seconds of perf on the agent after the measurement")
    p.add_argument("--etc-root", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()

    scan = json.loads(subprocess.run([a.doctor, "scan", "--json"], capture_output=True, text=True).stdout)
    spans = scan.get("spans", [])
    result = {"label": a.label, "kernel": os.uname().release,
              "box": {"spans": len(spans), "channels": sum(len(s.get("channels", [])) for s in spans),
                      "alarms": sorted({s.get("alarm_summary", "?") for s in spans})},
              "whole_process": whole_process(a.doctor, a.runs, a.etc_root),
              "in_process": in_process(a.doctor, a.reads, a.rounds)}
    if a.agent_seconds > 0:
        result["agent"] = agent_at_rest(a.doctor, a.etc_root, a.agent_seconds, a.agent_interval,
                                        a.agent_profile, a.out)
    with open(os.path.join(a.out, "bench.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result["box"]))


if __name__ == "__main__":
    sys.exit(main())
