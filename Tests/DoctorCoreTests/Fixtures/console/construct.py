#!/usr/bin/python3
"""Writes the few console fixtures of this directory that are not recordings (see README.md): run from anywhere,
python3 construct.py SHARED

Everything else here was recorded from a real Asterisk 22.10.1 on asterisk.ctl in the lab
(Tools/dahdi-lab/asterisk-console). This script only
- copies two real CLI texts out of AMI `Command` captures (SHARED = ../shared/asterisk): cli.c's unknown-command
  answer, and `pjsip show endpoints` of a box with res_pjsip_endpoint_identifier_ip loaded (the Identify header
  lines; the lab's Asterisk did not load that module);
- renders what the lab cannot produce: chan_dahdi's listings for hardware spans (TDM410P, T2XXP with PRI, YEL/RED),
  and the layouts before Asterisk 21.3.0/20.8.0/18.23.0.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../../../shared/asterisk")


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(text)


def from_ami_command(source, target):
    """The CLI text inside a captured AMI Command reply: one 'Output: ' line per CLI line."""
    with open(os.path.join(SHARED, source), "rb") as f:
        data = f.read().decode()
    lines = [l[len("Output: "):] for l in data.split("\r\n") if l.startswith("Output: ")]
    write(target, "".join(l + "\n" for l in lines))


# --- real text, out of AMI Command captures ------------------------------------------------------------------------
from_ami_command("ami-Command-pjsip-show-endpoints.txt", "pjsip-show-endpoints.identify-loaded.txt")
from_ami_command("ami-Command-unknown-cli.txt", "unknown-command.txt")

# --- channels/chan_dahdi.c dahdi_show_channels / dahdi_show_status (22.10.1 layouts) --------------------------------
CHANNELS_FORMAT = "%7s %4s %-20.20s %-10.10s %-15.15s %-8.8s %-20.20s %-10.10s %-10.10s %-12.12s %-32.32s\n"
HEADER = CHANNELS_FORMAT % ("Chan", "Span", "Signalling", "Extension", "Context", "Language", "MOH Interpret",
                            "Blocked", "In Service", "Alarms", "Description")


def channel_row(chan, span, sig, context, alarm, description):
    return CHANNELS_FORMAT % (chan, span, sig, "", context, "", "default", "  ", "Yes", alarm, description)


def channels_listing(rows):
    # The pseudo channel is in chan_dahdi's interface list too (CHAN_PSEUDO): the CLI prints it, the AMI does not.
    return HEADER + channel_row("pseudo", 0, "Pseudo", "default", "No Alarm", "") + "".join(channel_row(*r) for r in rows)


STATUS_FORMAT2 = "%4s %-40.40s %-7.7s %-6.6s %-6.6s %-6.6s %-3.3s %-4.4s %-8.8s %s\n"
STATUS_FORMAT = "%4d %-40.40s %-7.7s %-6d %-6d %-6d %-3.3s %-4.4s %-8.8s %s\n"
LBO0 = "0 db (CSU)/0-133 feet (DSX-1)"


def status_listing(rows):
    return (STATUS_FORMAT2 % ("Span", "Description", "Alarms", "IRQ", "bpviol", "CRC", "Framing", "Coding", "Options", "LBO")
            + "".join(STATUS_FORMAT % r for r in rows))


# The AMI replay server's constructed chan_dahdi state (Fixtures/ami/dahdi-constructed), as the CLI prints it: hardware
# spans and PRI, which the lab has not.
write("dahdi-show-channels.constructed.txt", channels_listing([
    ("1", 1, "FXO Kewlstart", "from-internal", "No Alarm", "Reception phone"),
    ("2", 1, "FXO Kewlstart", "from-internal", "No Alarm", ""),
    ("3", 1, "FXS Kewlstart", "from-pstn", "No Alarm", "PSTN line 1"),
    ("4", 1, "FXS Kewlstart", "from-pstn", "Red Alarm", "PSTN line 2"),
    ("5", 2, "ISDN PRI", "from-pstn", "Red Alarm", ""),
    ("6", 2, "ISDN PRI", "from-pstn", "Red Alarm", ""),
]))
write("dahdi-show-status.constructed.txt", status_listing([
    (1, "Wildcard TDM410P Board 1", "OK", 0, 0, 0, "CAS", "Unknown", "", LBO0),
    (2, "T2XXP (PCI) Card 0 Span 1", "RED", 0, 12, 0, "ESF", "B8ZS", "", LBO0),
    (3, "T2XXP (PCI) Card 0 Span 2", "YEL/RED", 3, 0, 41, "CCS", "HDB3", "CRC4", LBO0),
]))
# Asterisk 21.0.0's layouts (before 21.3.0): no span, signalling or alarm column; status without span numbers.
OLD = "%7s %-15.15s %-15.15s %-10.10s %-20.20s %-10.10s %-10.10s %-32.32s\n"
write("dahdi-show-channels.asterisk-21.0.0.txt",
      OLD % ("Chan", "Extension", "Context", "Language", "MOH Interpret", "Blocked", "In Service", "Description")
      + OLD % ("pseudo", "", "default", "", "default", "  ", "Yes", "")
      + OLD % ("1", "", "from-internal", "", "default", "  ", "Yes", "Reception phone"))
write("dahdi-show-status.asterisk-21.0.0.txt",
      "%-40.40s %-7.7s %-6.6s %-6.6s %-6.6s %-3.3s %-4.4s %-8.8s %s\n" % ("Description", "Alarms", "IRQ", "bpviol", "CRC", "Framing", "Coding", "Options", "LBO")
      + "%-40.40s %-7.7s %-6d %-6d %-6d %-3.3s %-4.4s %-8.8s %s\n" % ("Wildcard TDM410P Board 1", "OK", 0, 0, 0, "CAS", "Unknown", "", LBO0))
