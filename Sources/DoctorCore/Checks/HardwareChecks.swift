/// The telephony cards on the PCI and USB buses: is each one driven? Runs only when the buses were scanned
/// (observations saved before the bus scan carry no hardware part and get no finding here).
public struct HardwareChecks: CheckFamily {
    public static let cardWithoutDriver = CheckDefinition(
        id: "card-without-driver", family: "hardware", severity: .critical,
        title: "telephony card without a driver",
        explanation: """
            A telephony card is on the PCI or USB bus but no kernel driver is bound to it, so it registers no DAHDI \
            device and none of its spans or ports exist. Either the driver module is not loaded (not listed in \
            /etc/dahdi/modules, not built for the running kernel), or the installed DAHDI no longer supports the card: \
            DAHDI 3.0.0 removed the TDM800P, AEX800, TDM410P and AEX410P from wctdm24xxp, while dahdi_hardware still \
            names the driver for them.
            """,
        remediation: "modprobe the driver named in the evidence and add it to /etc/dahdi/modules; if DAHDI dropped the card, stay on DAHDI 2.11 or replace the card",
        faults: ["C01", "C02", "C03"])

    public static let cardOtherDriver = CheckDefinition(
        id: "card-other-driver", family: "hardware", severity: .warning,
        title: "telephony card bound to an unexpected driver",
        explanation: """
            The card is bound to a different driver than the one DAHDI uses for it (for example a generic ISDN \
            driver such as hfcpci or mISDN took a Cologne Chip BRI card first). DAHDI will not see its ports.
            """,
        remediation: "blacklist the other driver (/etc/modprobe.d), unbind it, and load the DAHDI driver named in the evidence")

    public static let astribankWaitingForFirmware = CheckDefinition(
        id: "astribank-waiting-for-firmware", family: "hardware", severity: .critical,
        title: "Astribank waiting for its firmware",
        explanation: """
            An Xorcom Astribank shows a USB product ID that means its firmware is not (fully) loaded: e4e4:11x0 has no \
            firmware, e4e4:11x1 has only the USB firmware and waits for the FPGA one. udev normally runs \
            /usr/share/dahdi/xpp_fxloader within seconds of plugging in; an Astribank that stays in this state has no \
            ports. The firmware files (package dahdi-firmware / astribank firmware), fxload, or the udev rule are missing, \
            or the loader failed.
            """,
        remediation: "check that the Astribank firmware files are in /usr/share/dahdi and fxload is installed, then run '/usr/share/dahdi/xpp_fxloader reset' or replug the Astribank and read dmesg",
        faults: ["C26"])

    public static let definitions = [cardWithoutDriver, cardOtherDriver, astribankWaitingForFirmware]

    public init() {}

    public func run(_ context: CheckContext) -> [Finding] {
        guard let hardware = context.observation.hardware else { return [] }
        var findings: [Finding] = []
        for card in hardware.cards {
            let subject = "\(card.fullModel) at \(card.location)"
            let source = card.bus == .pci ? "PCI \(card.address) (libudev)" : "USB \(card.address) (libusb)"
            var evidence = [Evidence("ID", card.id + (card.subsystem.map { " subsystem \($0)" } ?? ""), source: source)]
            switch HardwareState.of(card) {
            case .ok:
                continue
            case .noDriver(let dropped):
                evidence.append(Evidence("driver", "none bound", source: card.bus == .pci ? "/sys/bus/pci/devices/\(card.address)/driver"
                                                                                          : "/sys/bus/usb/devices/\(card.portPath ?? "?"):1.0/driver"))
                if let expected = card.expectedDriver { evidence.append(Evidence("needs", expected, source: "known hardware table")) }
                if let dropped { evidence.append(Evidence("support", dropped, source: "known hardware table")) }
                let remediation: String?
                if let dropped, dropped.contains("restored in DAHDI") {
                    remediation = "install DAHDI 3.4.0 or later (its \(card.expectedDriver ?? "driver") is back), or DAHDI 2.11; then modprobe \(card.expectedDriver ?? "the driver")"
                } else if dropped != nil {
                    remediation = "DAHDI 3.x does not drive this card: install DAHDI 2.11 (or a patched \(card.expectedDriver ?? "driver")), or replace the card"
                } else if let expected = card.expectedDriver {
                    remediation = "modprobe \(expected) (and list it in /etc/dahdi/modules); if it fails, check that it is built for the running kernel (dkms status) and read dmesg"
                } else {
                    remediation = nil
                }
                findings.append(Finding(Self.cardWithoutDriver, subject: subject,
                                        message: "\(subject) has no driver bound" + (dropped.map { $0.contains("restored in DAHDI") ? " (\($0))" : " (support dropped in DAHDI 3.x)" } ?? ""),
                                        evidence: evidence, remediation: remediation, key: "card:\(card.location)"))
            case .otherDriver(let bound, let expected):
                evidence += [Evidence("driver", bound, source: source), Evidence("needs", expected, source: "known hardware table")]
                findings.append(Finding(Self.cardOtherDriver, subject: subject, message: "\(subject) is bound to \(bound), not \(expected)",
                                        evidence: evidence, key: "card:\(card.location)"))
            case .waitingForFirmware(let firmware):
                evidence.append(Evidence("firmware", firmware == .missing ? "none loaded" : "USB firmware only (FPGA not loaded)",
                                         source: "USB product ID \(card.id)"))
                findings.append(Finding(Self.astribankWaitingForFirmware, subject: subject,
                                        message: "\(subject) is waiting for its firmware (USB ID \(card.id))",
                                        evidence: evidence, key: "card:\(card.location)"))
            }
        }
        return findings
    }
}
