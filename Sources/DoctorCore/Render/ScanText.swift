/// The human-readable `dahdi-doctor scan`: a header, the devices, the spans and each span's channels.
/// Not a stable format (use --json for scripts).
public enum ScanText {
    public static func render(_ inventory: Inventory) -> String {
        var out: [String] = []
        let driver = inventory.driver
        var head = "DAHDI " + (driver.version ?? "version unknown")
        if !driver.echoCancellers.isEmpty { head += "  echo cancellers: " + driver.echoCancellers.joined(separator: ", ") }
        if let auto = driver.autoAssignSpans { head += "  auto_assign_spans=\(auto ? 1 : 0)" }
        out.append(head)
        // A non-OK status goes to stderr as the one-line diagnosis; the table says what could still be read.
        if inventory.status.code == .ok { out.append("Status: \(inventory.status.message)") }
        out.append("Sources: " + inventory.sources.map { "\($0.name) \($0.available ? "ok" : "unavailable") (\($0.detail))" }
            .joined(separator: "; "))

        if let hardware = inventory.hardware {
            out.append("Buses: " + hardware.sources.map { "\($0.name) \($0.available ? "ok" : "unavailable") (\($0.detail))" }
                .joined(separator: "; "))
            out.append("")
            if hardware.cards.isEmpty {
                out.append("No telephony card on the PCI or USB buses.")
            } else {
                var table = TextTable(["CARD", "ID", "MODEL", "DRIVER", "NEEDS", "STATE", "DAHDI DEVICE"])
                for card in hardware.cards {
                    table.add([card.location, card.id + (card.subsystem.map { " (\($0))" } ?? ""), card.fullModel,
                               card.driver ?? "none", card.expectedDriver ?? "?", HardwareState.of(card).text,
                               dash(card.dahdiDevice)])
                }
                out.append(table.render())
            }
        }

        if !inventory.devices.isEmpty {
            out.append("")
            var table = TextTable(["DEVICE", "MANUFACTURER", "TYPE", "HARDWARE ID", "LOCATION", "SPANS"])
            for device in inventory.devices {
                let spans = device.spans.map { span in
                    "\(span.localSpan):\(span.type ?? "?")" + (span.assignedSpan.map { "=span \($0)" } ?? " unassigned")
                }.joined(separator: ", ")
                table.add([device.name, dash(device.manufacturer), dash(device.type), dash(device.hardwareId),
                           dash(device.location), spans.isEmpty ? "-" : spans])
            }
            out.append(table.render())
        }

        if !inventory.spans.isEmpty {
            out.append("")
            var table = TextTable(["SPAN", "NAME", "TYPE", "ALARMS", "CHANS", "BASE", "SYNC", "FRAMING", "CODING",
                                   "LBO", "ERRORS"])
            for span in inventory.spans {
                let configured = span.configuredChannels.map { "\($0)/\(span.totalChannels)" } ?? "?/\(span.totalChannels)"
                let sync = span.syncSource.map { "\($0)" + (span.isSyncMaster == true ? " master" : "") } ?? "-"
                table.add(["\(span.number)", span.name, span.type ?? span.scanType ?? "-", span.alarmSummary,
                           configured, span.baseChannel.map(String.init) ?? "-", sync, span.framing ?? "-",
                           span.coding ?? "-", span.lbo.map(String.init) ?? "-", errors(span)])
            }
            out.append(table.render())
        }

        for span in inventory.spans where !span.channels.isEmpty {
            out.append("")
            out.append("Span \(span.number) \(span.name) \"\(span.description)\"")
            // OFF-HOOK is the kernel's rxisoffhook (from the ABCD bits on RBS spans); RX/TX SIG are the raw hook
            // signals, which on an FXO port mean battery rather than use, so they are shown apart.
            var table = TextTable(["CHAN", "POS", "NAME", "SIGNALLING", "PORT", "OFF-HOOK", "RX/TX SIG", "IN USE",
                                   "ALARMS", "EC"])
            for channel in span.channels {
                let offHook = channel.offHook.map { $0 ? "yes" : "no" } ?? "-"
                let hook = "\(channel.rxHook ?? "-")/\(channel.txHook ?? "-")"
                let ec = channel.echoCanceller.map { "\($0.name)" + ($0.active == true ? " active" : "") } ?? "-"
                table.add(["\(channel.number)", channel.position.map(String.init) ?? "-", channel.name,
                           channel.signalling + (channel.broken ? " BROKEN" : ""),
                           channel.portType?.rawValue ?? "-", offHook, hook, channel.inUse.map { $0 ? "yes" : "no" } ?? "-",
                           channel.alarms.isEmpty ? "-" : channel.alarms.joined(separator: ","), ec])
            }
            out.append(table.render(indent: "  "))
        }

        if !inventory.problems.isEmpty {
            out.append("")
            out.append("Problems while reading:")
            out.append(contentsOf: inventory.problems.map { "  " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func dash(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return text
    }

    static func errors(_ span: InventorySpan) -> String {
        var parts: [String] = []
        if let c = span.counters {
            let named: [(String, UInt32?)] = [("bpv", c.bipolarViolations), ("crc4", c.crc4Errors), ("ebit", c.eBitErrors),
                                              ("fas", c.framingAlignmentErrors), ("fe", c.framingErrors),
                                              ("cv", c.codingViolations), ("be", c.bitErrors), ("errsec", c.erroredSeconds)]
            parts += named.compactMap { name, value in value.flatMap { $0 > 0 ? "\(name)=\($0)" : nil } }
        }
        if let irq = span.irqMisses, irq > 0 { parts.append("irqmiss=\(irq)") }
        if let slips = span.timingSlips, slips > 0 { parts.append("slips=\(slips)") }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }
}
