#!/usr/bin/python3
"""Writes the console fixtures of this directory (see README.md). Run from anywhere: python3 construct.py SHARED

SHARED is the shared reference directory (../shared/asterisk): the real CLI text there (AMI `Command` output of
Asterisk 22.10.1) is copied with its "Output: " prefixes and CRLFs removed; everything else is rendered here with
the printf formats of Asterisk 22.10.1's own CLI handlers (cited per function), filled with the values the real AMI
captures of the same lab states report.
"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../../../shared/asterisk")
FILLER = "." * 90


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(text)


def from_ami_command(source, target):
    """The CLI text inside a captured AMI Command reply: one 'Output: ' line per CLI line."""
    with open(os.path.join(SHARED, source), "rb") as f:
        data = f.read().decode()
    lines = [l[len("Output: "):] for l in data.split("\r\n") if l.startswith("Output: ")]
    write(target, "".join(l + "\n" for l in lines))


# --- real text ---------------------------------------------------------------------------------------------------
for state in ["", ".gateway-unreachable", ".no-gateway-registered"]:
    from_ami_command("ami-Command-pjsip-show-endpoints%s.txt" % state, "pjsip-show-endpoints%s.txt" % state)
    from_ami_command("ami-Command-pjsip-show-contacts%s.txt" % state, "pjsip-show-contacts%s.txt" % state)
from_ami_command("ami-Command-core-show-version.txt", "core-show-version.txt")
from_ami_command("ami-Command-unknown-cli.txt", "unknown-command.txt")

# --- res_pjsip: location.c cli_aor_print_header/body, cli_contact_print_header/body ---------------------------------
def indent(level):  # CLI_INDENT_TO_SPACES
    return level * 2 + 1 + 8


def contact_header(level):
    i = indent(level)
    f = 62 - i - 23
    return "%*s:  <Aor/ContactUri%s> <Hash....> <Status> <RTT(ms)..>\n" % (i, "Contact", FILLER[:f])


def contact_body(level, aor, uri, hash_, status, rtt):
    i = indent(level)
    flex = 62 - i - 9 - len(aor) + 1
    value = ("%11.3f" % rtt) if rtt is not None else "%11s" % "nan"
    return "%*s:  %s/%-*.*s %-10.10s %-7.7s %s\n" % (i, "Contact", aor, flex, flex, uri, hash_, status, value)


HASH = {"gateway-fxo-1": "8030229f89", "trunk-provider": "b0e9390783"}
AORS = [("agent1000", 1), ("gateway-fxo-1", 1), ("gateway-fxo-2", 1), ("trunk-provider", 0)]
CONTACTS = {  # state -> aor -> (uri, short status, rtt ms)
    "": {"gateway-fxo-1": ("sip:gateway-fxo-1@127.0.0.1:5062", "Avail", 0.655),
         "trunk-provider": ("sip:127.0.0.1:5070", "Unavail", None)},
    ".gateway-unreachable": {"gateway-fxo-1": ("sip:gateway-fxo-1@127.0.0.1:5062", "Unavail", None),
                             "trunk-provider": ("sip:127.0.0.1:5070", "Unavail", None)},
    ".no-gateway-registered": {"trunk-provider": ("sip:127.0.0.1:5070", "NonQual", None)},
}


def aors_listing(state):
    out = "\n"
    i = indent(0)
    out += "%*s:  <Aor%s>  <MaxContact>\n" % (i, "Aor", FILLER[:62 - i - 7])
    out += contact_header(1)
    out += "=" * 90 + "\n\n"
    for name, maximum in AORS:
        flex = 62 - i - 12
        out += "%*s:  %-*.*s %12u\n" % (i, "Aor", flex, flex, name, maximum)
        if name in CONTACTS[state]:
            uri, status, rtt = CONTACTS[state][name]
            out += contact_body(1, name, uri, HASH[name], status, rtt)
        out += "\n"
    out += "\nObjects found: %d\n" % len(AORS)
    return out


# ast_sip_cli_print_sorcery_objectset: " %-*s : %s" sorted by name, the widths from the longest name and value.
def objectset(pairs):
    pairs = sorted(pairs)
    name_width = max([13] + [len(n) for n, _ in pairs])
    value_width = max([14] + [len(v) for _, v in pairs])
    out = " %-*s : %s\n" % (name_width, "ParameterName", "ParameterValue")
    out += " " + "=" * (name_width + value_width + 3) + "\n"
    for n, v in pairs:
        out += " %-*s : %s\n" % (name_width, n, v)
    return out


AOR_SETTINGS = {
    "agent1000": dict(max_contacts="1", qualify_frequency="30", remove_existing="true", default_expiration="3600",
                      minimum_expiration="60", contact=""),
    "gateway-fxo-1": dict(max_contacts="1", qualify_frequency="5", remove_existing="true", default_expiration="120",
                          minimum_expiration="60", contact=""),
    "gateway-fxo-2": dict(max_contacts="1", qualify_frequency="5", remove_existing="true", default_expiration="120",
                          minimum_expiration="60", contact=""),
    "trunk-provider": dict(max_contacts="0", qualify_frequency="30", remove_existing="false", default_expiration="3600",
                           minimum_expiration="60", contact="sip:127.0.0.1:5070"),
}


def aor_detail(state, name):
    """`pjsip show aor NAME`: the listing of one object, then its parameters (show_details_only_level_0)."""
    i = indent(0)
    out = "\n%*s:  <Aor%s>  <MaxContact>\n" % (i, "Aor", FILLER[:62 - i - 7])
    out += contact_header(1) + "=" * 90 + "\n\n"
    maximum = dict(AORS)[name]
    out += "%*s:  %-*.*s %12u\n" % (i, "Aor", 62 - i - 12, 62 - i - 12, name, maximum)
    if name in CONTACTS[state]:
        uri, status, rtt = CONTACTS[state][name]
        out += contact_body(1, name, uri, HASH[name], status, rtt)
    out += "\n\n"
    settings = dict(AOR_SETTINGS[name])
    settings.update(authenticate_qualify="false", mailboxes="", maximum_expiration="7200", outbound_proxy="",
                    qualify_2xx_only="false", qualify_timeout="3.000000", remove_unavailable="false", support_path="false",
                    voicemail_extension="")
    out += objectset(settings.items()) + "\n"
    return out


# res_pjsip_outbound_registration.c cli_print_header/cli_print_body
def registrations_listing():
    out = "\n <Registration/ServerURI..............................>  <Auth....................>  <Status.......>\n"
    out += "=" * 90 + "\n\n"
    rid, uri = "trunk-provider", "sip:127.0.0.1:5070"
    width = 53 - len(rid)
    out += " %s/%-*.*s  %-26s  %-16s %s%d%s\n" % (rid, width, width, uri, "trunk-provider-auth", "Rejected", " (exp. ", 25, "s)")
    out += "\nObjects found: 1\n"
    return out


def registration_detail():
    out = registrations_listing().replace("\nObjects found: 1\n", "\n")
    out += objectset([("auth_rejection_permanent", "true"), ("client_uri", "sip:labtrunk@127.0.0.1:5070"),
                      ("contact_user", "labtrunk"), ("endpoint", "trunk-provider"), ("expiration", "300"),
                      ("fatal_retry_interval", "60"), ("forbidden_retry_interval", "60"), ("line", "true"),
                      ("max_retries", "10000"), ("outbound_auth", "trunk-provider-auth"), ("outbound_proxy", ""),
                      ("retry_interval", "30"), ("server_uri", "sip:127.0.0.1:5070"), ("support_path", "false"),
                      ("transport", "transport-udp")]) + "\n"
    return out


for state in CONTACTS:
    write("pjsip-show-aors%s.txt" % state, aors_listing(state))
    for name, _ in AORS:
        write("pjsip-show-aor-%s%s.txt" % (name, state), aor_detail(state, name))
write("pjsip-show-registrations.txt", registrations_listing())
write("pjsip-show-registration-trunk-provider.txt", registration_detail())

# --- main/cli.c handle_modlist: MODLIST_FORMAT2 header, rows, "%d modules loaded" ---------------------------------
write("module-show-like-chan_sip.so.txt",
      "%-30s %-40.40s %-10s %-11s %13s\n" % ("Module", "Description", "Use Count", "Status", "Support Level")
      + "0 modules loaded\n")
MODULES = {"res_pjsip.so": "Basic SIP resource", "chan_dahdi.so": "DAHDI Telephony w/PRI & SS7 & MFC/R2"}
for module, description in MODULES.items():
    write("module-show-like-%s.txt" % module,
          "%-30s %-40.40s %-10s %-11s %13s\n" % ("Module", "Description", "Use Count", "Status", "Support Level")
          + "%-30s %-40.40s %-10d %-11s %13s\n" % (module, description, 0, "Running", "core")
          + "1 modules loaded\n")
write("module-show-like-chan_dahdi.so.no-chan-dahdi.txt",
      "%-30s %-40.40s %-10s %-11s %13s\n" % ("Module", "Description", "Use Count", "Status", "Support Level")
      + "0 modules loaded\n")
write("module-show-like-chan_sip.so.loaded.txt",
      "%-30s %-40.40s %-10s %-11s %13s\n" % ("Module", "Description", "Use Count", "Status", "Support Level")
      + "%-30s %-40.40s %-10d %-11s %13s\n" % ("chan_sip.so", "Session Initiation Protocol (SIP)", 0, "Running", "deprecated")
      + "1 modules loaded\n")

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


# The AMI replay server's constructed chan_dahdi state (Fixtures/ami/dahdi-constructed), as the CLI prints it.
write("dahdi-show-channels.txt", channels_listing([
    ("1", 1, "FXO Kewlstart", "from-internal", "No Alarm", "Reception phone"),
    ("2", 1, "FXO Kewlstart", "from-internal", "No Alarm", ""),
    ("3", 1, "FXS Kewlstart", "from-pstn", "No Alarm", "PSTN line 1"),
    ("4", 1, "FXS Kewlstart", "from-pstn", "Red Alarm", "PSTN line 2"),
    ("5", 2, "ISDN PRI", "from-pstn", "Red Alarm", ""),
    ("6", 2, "ISDN PRI", "from-pstn", "Red Alarm", ""),
]))
write("dahdi-show-status.txt", status_listing([
    (1, "Wildcard TDM410P Board 1", "OK", 0, 0, 0, "CAS", "Unknown", "", LBO0),
    (2, "T2XXP (PCI) Card 0 Span 1", "RED", 0, 12, 0, "ESF", "B8ZS", "", LBO0),
    (3, "T2XXP (PCI) Card 0 Span 2", "YEL/RED", 3, 0, 41, "CCS", "HDB3", "CRC4", LBO0),
]))
# The lab box of ../shared/asterisk/chan_dahdi (3spans-red): 20 channels, 17-20 on the RED span 3.
lab = []
for n in range(1, 21):
    sig = "FXO Kewlstart" if n <= 4 or 13 <= n <= 16 else "FXS Kewlstart"
    span = 1 if n <= 8 else 2 if n <= 16 else 3
    context = "from-internal" if sig.startswith("FXO") else "from-pstn"
    lab.append((str(n), span, sig, context, "Red Alarm" if n >= 17 else "No Alarm", ""))
write("dahdi-show-channels.3spans-red.txt", channels_listing(lab))
write("dahdi-show-status.3spans-red.txt", status_listing([
    (1, "Dynamic 'loc' span at '1:0'", "OK", 0, 0, 0, "CAS", "Unknown", "", LBO0),
    (2, "Dynamic 'loc' span at '1:1'", "OK", 0, 0, 0, "CAS", "Unknown", "", LBO0),
    (3, "Dynamic 'loc' span at '2:0'", "RED", 0, 0, 0, "CAS", "Unknown", "", LBO0),
]))
# chan_dahdi not loaded: cli.c's answer for a command nobody registered.
for command in ["dahdi show channels", "dahdi show status"]:
    write(command.replace(" ", "-") + ".no-chan-dahdi.txt",
          "No such command '%s' (type 'core show help %s' for other possible commands)\n" % (command, command.rsplit(" ", 1)[0]))
# Asterisk 21.0.0's layouts (before 21.3.0): no span, signalling or alarm column; status without span numbers.
OLD = "%7s %-15.15s %-15.15s %-10.10s %-20.20s %-10.10s %-10.10s %-32.32s\n"
write("dahdi-show-channels.asterisk-21.0.0.txt",
      OLD % ("Chan", "Extension", "Context", "Language", "MOH Interpret", "Blocked", "In Service", "Description")
      + OLD % ("pseudo", "", "default", "", "default", "  ", "Yes", "")
      + OLD % ("1", "", "from-internal", "", "default", "  ", "Yes", "Reception phone"))
write("dahdi-show-status.asterisk-21.0.0.txt",
      "%-40.40s %-7.7s %-6.6s %-6.6s %-6.6s %-3.3s %-4.4s %-8.8s %s\n" % ("Description", "Alarms", "IRQ", "bpviol", "CRC", "Framing", "Coding", "Options", "LBO")
      + "%-40.40s %-7.7s %-6d %-6d %-6d %-3.3s %-4.4s %-8.8s %s\n" % ("Wildcard TDM410P Board 1", "OK", 0, 0, 0, "CAS", "Unknown", "", LBO0))
write("dahdi-show-status.no-dahdi.txt", "No DAHDI found. Unable to open /dev/dahdi/ctl: No such file or directory\n")
# The greeting netconsole() writes first ("%s/%ld/%s\n": hostname, pid, ast_get_version()).
write("banner.txt", "asterisk-lab/4242/22.10.1\n")
