#!/usr/bin/python3
"""compare.py OUT/<box>...: for each state record.sh ran `check` in (OUT/<box>/doctor), compares the run over the
console with the run over AMI against the same real Asterisk: the report's findings (id, subject, severity), the
registered contacts, the AORs' static contacts, and the console's unrecognised lines. Exit 1 when any differ."""
import glob
import json
import os
import sys


def walk(findings):
    for f in findings:
        yield f
        yield from walk(f.get("children", []))


def findings(path):
    report = json.load(open(path))
    return report["status"], sorted("%s | %s | %s" % (f["id"], f["subject"], f["severity"]) for f in walk(report["findings"]))


def asterisk(path):
    o = json.load(open(path))["asterisk"]
    contacts = sorted((c["aor"], c["uri"], c.get("status")) for c in (o.get("contacts") or {}).get("value", []))
    statics = sorted((a["name"], tuple(a.get("static_contacts", []))) for a in (o.get("aors") or {}).get("value", []))
    return contacts, statics, o.get("unrecognised") or []


differ = False
for box in sys.argv[1:]:
    for console in sorted(glob.glob(os.path.join(box, "doctor", "console*.json"))):
        if console.endswith(".observation.json"):
            continue
        state = os.path.basename(console)[len("console"):-len(".json")]
        ami = os.path.join(box, "doctor", "ami" + state + ".json")
        (cs, cf), (as_, af) = findings(console), findings(ami)
        cc, cstat, unrec = asterisk(console[:-5] + ".observation.json")
        ac, astat, _ = asterisk(ami[:-5] + ".observation.json")
        same = cf == af and cc == ac and cstat == astat and not unrec
        differ |= not same
        print("%s %s: %s (console %s, AMI %s; %d findings, %d registered contacts)" % (
            os.path.basename(os.path.normpath(box)), state or "(registered)", "same" if same else "DIFFER", cs, as_, len(cf), len(cc)))
        if not same:
            for line in sorted(set(cf) | set(af)):
                print("   ", " " if line in cf and line in af else ("console only" if line in cf else "AMI only"), line)
            print("    contacts", cc, ac, "static", cstat, astat, "unrecognised", unrec)
sys.exit(1 if differ else 0)
