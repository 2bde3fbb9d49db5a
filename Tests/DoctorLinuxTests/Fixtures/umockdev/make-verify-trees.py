#!/usr/bin/env python3
"""Writes the umockdev device trees that VerifyTests runs `dahdi-doctor verify` against.

Run it from this directory after changing it, and commit the .umockdev files it writes. The trees are
constructed, not recorded from real cards (there is none here): attribute names and value formats are the ones
the kernel writes (PCI: vendor/device/subsystem_* as 0x%04x, the `driver` link; USB: idVendor/idProduct as %04x,
busnum/devnum, the binary `descriptors` attribute libusb reads; DAHDI: Debian 2.11.1's dahdi-sysfs.c names and
formats, as in te420-one-red.umockdev). IDs, drivers and models come from dahdi-tools' hardware tables. Names that
only a real card would tell exactly (a serial number, the span description of wanpipe or xpp) are plausible
values, not captures.
"""

HEADER = ""  # umockdev files have no comment syntax; see this script for how they were made


def pci(path, vendor, device, subvendor, subdevice, driver, klass="0x028000"):
    address = path.rsplit("/", 1)[1]
    lines = [f"P: {path}",
             "E: SUBSYSTEM=pci",
             f"E: PCI_CLASS={int(klass, 16):X}",
             f"E: PCI_ID={vendor:04X}:{device:04X}",
             f"E: PCI_SUBSYS_ID={subvendor:04X}:{subdevice:04X}",
             f"E: PCI_SLOT_NAME={address}",
             f"E: MODALIAS=pci:v0000{vendor:04X}d0000{device:04X}sv0000{subvendor:04X}sd0000{subdevice:04X}bc02sc80i00"]
    if driver:
        lines.append(f"E: DRIVER={driver}")
    lines += [f"A: vendor=0x{vendor:04x}",
              f"A: device=0x{device:04x}",
              f"A: subsystem_vendor=0x{subvendor:04x}",
              f"A: subsystem_device=0x{subdevice:04x}",
              f"A: class={klass}",
              "A: enable=1",
              "A: irq=16"]
    if driver:
        lines.append(f"L: driver=../../../../bus/pci/drivers/{driver}")
    return "\n".join(lines) + "\n"


def dahdi_device(path, manufacturer, dtype, spans, hardware_id, location):
    spantypes = "\\n".join(f"{n}:{t}" for n, t in enumerate(spans, 1)) + "\\n"
    return "\n".join([f"P: {path}",
                      "E: SUBSYSTEM=dahdi_devices",
                      f"A: manufacturer={manufacturer}",
                      f"A: type={dtype}",
                      f"A: span_count={len(spans)}",
                      f"A: hardware_id={hardware_id}",
                      f"A: location={location}",
                      f"A: dahdi_spantype={spantypes}",
                      "A: dahdi_registration_time=0000000005.250000000"]) + "\n"


def span(path, number, name, desc, spantype, local, basechan, channels, lineconfig, linecompat, digital,
         master, alarms="0x0"):
    return "\n".join([f"P: {path}",
                      "E: SUBSYSTEM=dahdi_spans",
                      f"E: SPAN_NUM={number}",
                      f"E: SPAN_NAME={name}",
                      f"A: name={name}",
                      f"A: desc={desc}",
                      f"A: spantype={spantype}",
                      f"A: local_spanno={local}",
                      f"A: alarms={alarms}",
                      f"A: basechan={basechan}",
                      f"A: channels={channels}",
                      f"A: is_digital={1 if digital else 0}",
                      f"A: is_sync_master={1 if master else 0}",
                      "A: syncsrc=1",
                      "A: lbo=0",
                      f"A: lineconfig={lineconfig}",
                      f"A: linecompat={linecompat}"]) + "\n"


def channel(span_path, span_no, pos, channo, name, sig, sigcap, alarms="", ec=""):
    return "\n".join([f"P: {span_path}/dahdi!chan!{span_no:03d}!{pos:03d}",
                      "E: SUBSYSTEM=dahdi_channels",
                      f"E: DEVNAME=/dev/dahdi/chan/{span_no:03d}/{pos:03d}",
                      f"A: name={name}",
                      f"A: channo={channo}",
                      f"A: chanpos={pos}",
                      f"A: sig={sig}",
                      f"A: sigcap={sigcap}",
                      f"A: alarms={alarms}\\n",
                      f"A: ec_factory={ec}\\n",
                      f"A: ec_state={'INACTIVE' if ec else ''}\\n",
                      "A: blocksize=8",
                      "A: in_use=0",
                      f"A: dev=196:{channo}"]) + "\n"


DIGITAL_CAP = "Clear HDLCRAW HDLCFCS HDLCNET Hardware-assisted HDLC MTP2 CAS DACS+RBS"
T1_CAP = "E&M Clear HDLCRAW HDLCFCS HDLCNET Hardware-assisted HDLC MTP2 SF (ToneOnly) CAS DACS+RBS"
FXS_PORT_CAP = "FXOLS FXOGS FXOKS"          # an FXS port carries FXO signalling
FXO_PORT_CAP = "FXSLS FXSGS FXSKS"          # an FXO port carries FXS signalling


def te420():
    card = "/devices/pci0000:00/0000:00:1c.0/0000:03:00.0"
    dev = card + "/pci:0000:03:00.0"
    out = [pci(card, 0xd161, 0x1420, 0xd161, 0x1420, "wct4xxp"),
           dahdi_device(dev, "Digium", "Wildcard TE420 (5th Gen)", ["T1"] * 4, "1TE420F-088123", "PCI Bus 03 Slot 01")]
    for s in range(1, 5):
        sp = f"{dev}/span-{s}"
        out.append(span(sp, s, f"TE4/0/{s}", f"T4XXP (PCI) Card 0 Span {s}", "T1", s, (s - 1) * 24 + 1, 24,
                        "ESF/B8ZS", "D4 ESF AMI B8ZS", True, s == 1))
        for pos in range(1, 25):
            channo = (s - 1) * 24 + pos
            if pos == 24:
                out.append(channel(sp, s, pos, channo, f"TE4/0/{s}/{pos}", "HDLCFCS", T1_CAP))
            else:
                out.append(channel(sp, s, pos, channo, f"TE4/0/{s}/{pos}", "Clear", T1_CAP, ec="VPMOCT064"))
    return out


def tdm410p_no_driver():
    # A TDM410P: DAHDI 3.0.0 removed d161:8005 from wctdm24xxp, so nothing binds it and no DAHDI object exists.
    return [pci("/devices/pci0000:00/0000:00:1c.1/0000:04:00.0", 0xd161, 0x8005, 0xd161, 0x8005, None)]


def sangoma_a104():
    card = "/devices/pci0000:00/0000:00:1c.2/0000:05:00.0"
    dev = card + "/pci:0000:05:00.0"
    out = [pci(card, 0x1923, 0x0100, 0x1923, 0x4113, "wanpipe"),
           dahdi_device(dev, "Sangoma Technologies", "A104", ["E1"] * 4, "", "PCI Bus 05 Slot 00")]
    for s in range(1, 5):
        sp = f"{dev}/span-{s}"
        out.append(span(sp, s, f"WPE1/{s - 1}", f"wanpipe{s} card {s - 1}", "E1", s, (s - 1) * 31 + 1, 31,
                        "CCS/HDB3/CRC4", "AMI CCS HDB3 CRC4", True, s == 1))
        for pos in range(1, 32):
            channo = (s - 1) * 31 + pos
            sig = "Hardware-assisted HDLC" if pos == 16 else "Clear"
            out.append(channel(sp, s, pos, channo, f"WPE1/{s - 1}/{pos}", sig, DIGITAL_CAP))
    return out


def usb_root_hub():
    return "\n".join(["P: /devices/pci0000:00/0000:00:1d.0/usb2",
                      "N: bus/usb/002/001",
                      "E: SUBSYSTEM=usb",
                      "E: DEVTYPE=usb_device",
                      "E: DEVNAME=/dev/bus/usb/002/001",
                      "E: DRIVER=usb",
                      "E: PRODUCT=1d6b/2/601",
                      "E: BUSNUM=002",
                      "E: DEVNUM=001",
                      "A: idVendor=1d6b",
                      "A: idProduct=0002",
                      "A: bcdDevice=0601",
                      "A: busnum=2",
                      "A: devnum=1",
                      "A: speed=480",
                      "A: manufacturer=Linux 6.1.0-40-amd64 ehci_hcd",
                      "A: product=EHCI Host Controller",
                      "A: serial=0000:00:1d.0",
                      "H: descriptors=12010002090001406B1D020001060302010109021900010100E0000904000001090000000705810304000C",
                      "L: driver=../../../../bus/usb/drivers/usb"]) + "\n"


def astribank(product, loaded):
    """An Astribank (multi) on port 2-1: e4e4:1150 before any firmware, e4e4:1152 once the FPGA firmware is in."""
    base = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1"
    # Device descriptor (vendor-specific class, 64-byte EP0, IDs little-endian, strings 1/2/3, one configuration),
    # then the configuration: one interface with a bulk OUT (0x02) and a bulk IN (0x86) endpoint.
    descriptor = ("12010002FF000040" + "E4E4" + f"{product & 0xff:02X}{product >> 8:02X}" + "0001" + "010203" + "01"
                  + "0902200001010080FA" + "0904000002FF000000" + "07050202000200" + "07058602000200")
    dev = ["P: " + base,
           "N: bus/usb/002/003",
           "E: SUBSYSTEM=usb",
           "E: DEVTYPE=usb_device",
           "E: DEVNAME=/dev/bus/usb/002/003",
           "E: DRIVER=usb",
           f"E: PRODUCT=e4e4/{product:x}/100",
           "E: BUSNUM=002",
           "E: DEVNUM=003",
           "A: idVendor=e4e4",
           f"A: idProduct={product:04x}",
           "A: bcdDevice=0100",
           "A: busnum=2",
           "A: devnum=3",
           "A: devpath=1",
           "A: speed=480",
           "A: bNumConfigurations=1",
           "A: manufacturer=Xorcom LTD",
           "A: product=Astribank",
           "A: serial=X1050123",
           "H: descriptors=" + descriptor,
           "L: driver=../../../../../bus/usb/drivers/usb"]
    iface = ["P: " + base + "/2-1:1.0",
             "E: SUBSYSTEM=usb",
             "E: DEVTYPE=usb_interface",
             f"E: PRODUCT=e4e4/{product:x}/100",
             "E: INTERFACE=255/0/0",
             "A: bInterfaceNumber=00",
             "A: bInterfaceClass=ff",
             "A: bNumEndpoints=02"]
    if loaded:
        iface += ["E: DRIVER=xpp_usb", "L: driver=../../../../../../bus/usb/drivers/xpp_usb"]
    out = [usb_root_hub(), "\n".join(dev) + "\n", "\n".join(iface) + "\n"]
    if loaded:
        xbus = base + "/2-1:1.0/xbus-00"
        dev_path = xbus + "/astribanks:xbus-00"
        out.append("\n".join(["P: " + xbus, "E: SUBSYSTEM=astribanks", "A: status=connected",
                              "A: connector=USB#002/003", "A: label=usb:X1050123"]) + "\n")
        out.append(dahdi_device(dev_path, "Xorcom Inc.", "Astribank2", ["FXS", "FXO"], "usb:X1050123",
                                "usb-0000:00:1d.0-1"))
        for s, (kind, sig, cap, chans) in enumerate([("FXS", "FXOKS", FXS_PORT_CAP, 8),
                                                      ("FXO", "FXSKS", FXO_PORT_CAP, 8)], 1):
            sp = f"{dev_path}/span-{s}"
            out.append(span(sp, s, f"XBUS-00/XPD-{(s - 1) * 10:02d}", f"Xorcom XPD [usb:X1050123].{s}: {kind}",
                            kind, s, (s - 1) * 8 + 1, chans, "", "", False, s == 1))
            for pos in range(1, chans + 1):
                channo = (s - 1) * 8 + pos
                # FXO ports 7 and 8 have no line plugged in: no battery, the driver raises RED on them.
                alarms = "RED " if kind == "FXO" and pos >= 7 else ""
                out.append(channel(sp, s, pos, channo, f"XPP_{kind}/0/{s - 1}/{pos - 1}", sig, cap, alarms=alarms))
    return out


def write(name, blocks):
    with open(name, "w") as f:
        f.write(HEADER + "\n".join(blocks))


write("verify-te420-wct4xxp.umockdev", te420())
write("verify-tdm410p-no-driver.umockdev", tdm410p_no_driver())
write("verify-sangoma-a104.umockdev", sangoma_a104())
write("verify-astribank-no-firmware.umockdev", astribank(0x1150, False))
write("verify-astribank-loaded.umockdev", astribank(0x1152, True))
with open("verify-empty.umockdev", "w") as f:
    # An empty box: only a chipset function that is no telephony card, and a USB root hub.
    f.write(HEADER + "\n".join([pci("/devices/pci0000:00/0000:00:1f.0", 0x8086, 0x2918, 0x1af4, 0x1100, "lpc_ich",
                                    klass="0x060100"), usb_root_hub()]))
