/// The metrics of one run (`dahdi-doctor metrics`), for node_exporter's textfile collector: what the observation
/// really holds and the report's root findings. A source that was not read produces no series, only its
/// `dahdi_doctor_up` 0. Every label value is escaped; none is a secret (contact URIs lose any `user:password@`).
/// Pure: the same observation, report and duration always give the same text.
public enum PrometheusText {
    /// Root findings listed one series each at most; the rest are counted in `dahdi_doctor_finding_series_dropped`.
    public static let defaultFindingSeriesLimit = 200

    /// The kernel's span alarm bits, as the `alarm` label of `dahdi_span_alarm` (always all of them, 0 or 1).
    public static let spanAlarmLabels: [(SpanAlarms, String)] = [
        (.red, "red"), (.yellow, "yellow"), (.blue, "blue"), (.loopback, "loopback"), (.recovering, "recovering"),
        (.notOpen, "notopen"), (.lossOfSignal, "los"), (.lossOfFrameAlignment, "lfa"),
        (.lossOfMultiframeAlignment, "lmfa"),
    ]

    public static func render(observation: Observation, report: Report, runDurationSeconds: Double,
                              findingSeriesLimit: Int = defaultFindingSeriesLimit) -> String {
        let inventory = InventoryBuilder.build(observation.dahdi, generator: report.generator)
        return PrometheusExposition.render(
            run(observation: observation, report: report, runDurationSeconds: runDurationSeconds)
                + findings(report: report, limit: findingSeriesLimit)
                + spans(inventory) + channels(inventory)
                + pjsip(observation.asterisk) + gateways(observation.gateways))
    }

    // MARK: the run itself

    static func run(observation: Observation, report: Report, runDurationSeconds: Double) -> [MetricFamily] {
        var up = MetricFamily("dahdi_doctor_up", .gauge,
                              "1 if dahdi-doctor could read the source (ioctl, sysfs, procfs, ami, gateways), 0 if not; ami and gateways appear only when asked.")
        let bySource = Dictionary(report.sources.map { ($0.name, $0.available) }, uniquingKeysWith: { a, _ in a })
        for name in ["ioctl", "sysfs", "procfs"] {
            up.add([("source", name)], bySource[name] ?? false)
        }
        if let asterisk = observation.asterisk {
            up.add([("source", "ami")], asterisk.sessionFailure == nil)
        }
        if let gateways = observation.gateways {
            up.add([("source", "gateways")], gateways.allSatisfy { $0.options != nil })
        }
        var last = MetricFamily("dahdi_doctor_last_run_timestamp_seconds", .gauge,
                                "Unix time of the run's observation, for freshness alerts.")
        last.add([], observation.observedAt)
        var duration = MetricFamily("dahdi_doctor_run_duration_seconds", .gauge,
                                    "How long the run took: observing the box, diagnosing and rendering.")
        duration.add([], runDurationSeconds)
        var info = MetricFamily("dahdi_doctor_info", .gauge, "dahdi-doctor's version, always 1.")
        info.add([("version", version(of: report.generator))], 1)
        return [up, last, duration, info]
    }

    /// "dahdi-doctor 0.1.0" -> "0.1.0".
    static func version(of generator: String) -> String {
        generator.split(separator: " ").last.map(String.init) ?? generator
    }

    // MARK: findings

    static func findings(report: Report, limit: Int) -> [MetricFamily] {
        var counts = MetricFamily("dahdi_doctor_findings", .gauge,
                                  "Root findings of the last run by severity (consequences folded under a cause are not counted).")
        for severity in Severity.allCases {
            counts.add([("severity", severity.rawValue)], Double(report.findings.filter { $0.severity == severity }.count))
        }
        var each = MetricFamily("dahdi_doctor_finding", .gauge,
                                "1 for each root finding of the last run (id as in dahdi-doctor explain ID; span when it is about one span); at most a bounded number of series.")
        var seen = Set<[String]>()
        var dropped = 0
        for finding in report.findings {
            var labels = [("id", finding.id), ("subject", finding.subject), ("severity", finding.severity.rawValue)]
            if let span = span(ofSubject: finding.subject) { labels.append(("span", String(span))) }
            guard seen.insert(labels.map(\.1)).inserted else { continue }
            if each.samples.count < limit { each.add(labels, 1) } else { dropped += 1 }
        }
        var overflow = MetricFamily("dahdi_doctor_finding_series_dropped", .gauge,
                                    "Root findings not listed in dahdi_doctor_finding because of its series limit.")
        overflow.add([], Double(dropped))
        return [counts, each, overflow]
    }

    /// The span a finding is about, from its subject as `CheckContext.spanSubject` writes it ("span 2" or
    /// "span 2 (TE4/0/2)"), so an alert on the finding carries the same `span` label as `dahdi_span_alarm`.
    /// Any other subject (a channel, a gateway, "DAHDI") has no span.
    static func span(ofSubject subject: String) -> Int? {
        guard subject.hasPrefix("span ") else { return nil }
        let rest = subject.dropFirst("span ".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let number = Int(digits) else { return nil }
        let after = rest.dropFirst(digits.count)
        guard after.isEmpty || after.hasPrefix(" (") else { return nil }
        return number
    }

    // MARK: DAHDI spans and channels

    static func spans(_ inventory: Inventory) -> [MetricFamily] {
        var info = MetricFamily("dahdi_span_info", .gauge, "A DAHDI span's identity, always 1.")
        var configured = MetricFamily("dahdi_span_configured_channels", .gauge, "Channels of the span configured by dahdi_cfg.")
        var total = MetricFamily("dahdi_span_channels", .gauge, "Channels of the span.")
        var alarm = MetricFamily("dahdi_span_alarm", .gauge, "1 if the span has this alarm (kernel alarm bits), else 0.")
        var master = MetricFamily("dahdi_span_sync_master", .gauge, "1 if the span is DAHDI's timing (sync) master.")
        var bpv = MetricFamily("dahdi_span_bipolar_violations_total", .counter, "Bipolar violations since the driver loaded.")
        var crc4 = MetricFamily("dahdi_span_crc4_errors_total", .counter, "CRC4 errors since the driver loaded.")
        var ebit = MetricFamily("dahdi_span_ebit_errors_total", .counter, "E-bit errors since the driver loaded.")
        var fas = MetricFamily("dahdi_span_fas_errors_total", .counter, "Frame alignment signal errors since the driver loaded.")
        var framing = MetricFamily("dahdi_span_framing_errors_total", .counter, "Framing errors since the driver loaded (drivers that keep them).")
        var coding = MetricFamily("dahdi_span_coding_violations_total", .counter, "Line coding violations since the driver loaded (drivers that keep them).")
        var bitErrors = MetricFamily("dahdi_span_bit_errors_total", .counter, "Bit errors since the driver loaded (drivers that keep them).")
        var erroredSeconds = MetricFamily("dahdi_span_errored_seconds_total", .counter, "Errored seconds since the driver loaded (drivers that keep them).")
        var slips = MetricFamily("dahdi_span_timing_slips_total", .counter, "Timing slips since the driver loaded (/proc/dahdi).")
        var irq = MetricFamily("dahdi_span_irq_misses_total", .counter,
                               "IRQ misses since the driver loaded. The kernel counts them per device: every span of a device shows the same count, so do not sum over spans.")
        for span in inventory.spans.sorted(by: { $0.number < $1.number }) {
            let label = [("span", String(span.number))]
            info.add(label + [("name", span.name), ("description", span.description), ("type", span.type ?? ""),
                              ("device", span.device ?? "")], 1)
            if let value = span.configuredChannels { configured.add(label, Double(value)) }
            total.add(label, Double(span.totalChannels))
            let bits = SpanAlarms(rawValue: span.alarmBits)
            for (flag, name) in spanAlarmLabels { alarm.add(label + [("alarm", name)], bits.contains(flag)) }
            if let value = span.isSyncMaster { master.add(label, value) }
            if let c = span.counters {
                bpv.add(label, Double(c.bipolarViolations))
                crc4.add(label, Double(c.crc4Errors))
                ebit.add(label, Double(c.eBitErrors))
                fas.add(label, Double(c.framingAlignmentErrors))
                if let value = c.framingErrors { framing.add(label, Double(value)) }
                if let value = c.codingViolations { coding.add(label, Double(value)) }
                if let value = c.bitErrors { bitErrors.add(label, Double(value)) }
                if let value = c.erroredSeconds { erroredSeconds.add(label, Double(value)) }
            }
            if let value = span.timingSlips { slips.add(label, Double(value)) }
            if let value = span.irqMisses { irq.add(label + [("device", span.device ?? "")], Double(value)) }
        }
        return [info, configured, total, alarm, master, bpv, crc4, ebit, fas, framing, coding, bitErrors, erroredSeconds, slips, irq]
    }

    static func channels(_ inventory: Inventory) -> [MetricFamily] {
        var info = MetricFamily("dahdi_channel_info", .gauge,
                                "A configured DAHDI channel's identity, always 1; port is the physical port (FXS: a phone plugs in, FXO: a CO line, digital, none).")
        var alarm = MetricFamily("dahdi_channel_alarm", .gauge, "1 if the configured channel has any alarm (on an FXO port: no battery), else 0.")
        var offhook = MetricFamily("dahdi_channel_offhook", .gauge, "1 if the configured channel is off hook (DAHDI_GET_PARAMS rxisoffhook).")
        var inUse = MetricFamily("dahdi_channel_in_use", .gauge, "1 if the configured channel is open (in use by Asterisk).")
        var broken = MetricFamily("dahdi_channel_broken", .gauge, "1 if the driver marks the configured channel broken (sigcap DAHDI_SIG_BROKEN).")
        let all = inventory.spans.flatMap(\.channels).filter(\.configured).sorted { $0.number < $1.number }
        for channel in all {
            let label = [("channel", String(channel.number)), ("span", String(channel.span))]
            info.add(label + [("name", channel.name), ("signalling", channel.signalling),
                              ("port", channel.portType?.rawValue ?? "")], 1)
            alarm.add(label, !channel.alarms.isEmpty)
            if let value = channel.offHook { offhook.add(label, value) }
            if let value = channel.inUse { inUse.add(label, value) }
            broken.add(label, channel.broken)
        }
        return [info, alarm, offhook, inUse, broken]
    }

    // MARK: Asterisk PJSIP

    static func pjsip(_ asterisk: AsteriskObservation?) -> [MetricFamily] {
        var up = MetricFamily("dahdi_doctor_pjsip_contact_up", .gauge,
                              "1 if Asterisk says the PJSIP contact is Reachable, 0 if Unreachable (contacts Asterisk qualifies).")
        var rtt = MetricFamily("dahdi_doctor_pjsip_contact_rtt_seconds", .gauge, "The PJSIP contact's last qualify round trip.")
        var registration = MetricFamily("dahdi_doctor_pjsip_registration_up", .gauge,
                                        "1 if the PJSIP outbound registration is Registered, else 0.")
        guard let asterisk, asterisk.sessionFailure == nil else { return [up, rtt, registration] }
        struct Contact { var endpoint: String; var aor: String; var uri: String; var status: String?; var rtt: Int? }
        var contacts: [Contact] = (asterisk.contacts?.value ?? []).map {
            Contact(endpoint: $0.endpoint ?? "", aor: $0.aor, uri: $0.uri, status: $0.status, rtt: $0.roundtripUsec)
        }
        // Static contacts of the gateway endpoints appear only in PJSIPShowEndpoint's detail.
        for lookup in asterisk.endpointDetails ?? [] {
            for status in lookup.detail.value?.contacts ?? []
            where !contacts.contains(where: { $0.aor == status.aor && $0.uri == status.uri }) {
                contacts.append(Contact(endpoint: lookup.name, aor: status.aor, uri: status.uri, status: status.status, rtt: status.roundtripUsec))
            }
        }
        contacts.sort { ($0.endpoint, $0.aor, $0.uri) < ($1.endpoint, $1.aor, $1.uri) }
        for contact in contacts {
            let labels = [("endpoint", contact.endpoint), ("aor", contact.aor), ("uri", withoutPassword(contact.uri))]
            switch contact.status {
            case "Reachable": up.add(labels, 1)
            case "Unreachable": up.add(labels, 0)
            default: break
            }
            if let usec = contact.rtt { rtt.add(labels, Double(usec) / 1_000_000) }
        }
        for item in (asterisk.outboundRegistrations?.value ?? []).sorted(by: { $0.name < $1.name }) {
            if let status = item.status { registration.add([("registration", item.name)], status == "Registered") }
        }
        return [up, rtt, registration]
    }

    /// `sip:user:password@host` -> `sip:user@host`: a URI label never carries a password.
    static func withoutPassword(_ uri: String) -> String {
        guard let at = uri.firstIndex(of: "@") else { return uri }
        let userinfo = uri[..<at]
        guard let schemeColon = userinfo.firstIndex(of: ":"),
              let passwordColon = userinfo[userinfo.index(after: schemeColon)...].firstIndex(of: ":") else { return uri }
        return String(uri[..<passwordColon]) + String(uri[at...])
    }

    // MARK: gateways

    static func gateways(_ gateways: [GatewayObservation]?) -> [MetricFamily] {
        var up = MetricFamily("dahdi_doctor_gateway_sip_options_up", .gauge,
                              "1 if the gateway answered SIP OPTIONS with a final response below 500, else 0.")
        var rtt = MetricFamily("dahdi_doctor_gateway_sip_options_rtt_seconds", .gauge, "Round trip of the gateway's SIP OPTIONS answer.")
        var status = MetricFamily("dahdi_doctor_gateway_status_up", .gauge,
                                  "1 if the gateway's vendor status page was read and understood, else 0 (gateways with a status page).")
        var registered = MetricFamily("dahdi_doctor_gateway_port_registered", .gauge,
                                      "1 if the gateway says the port is registered, 0 if not (ports whose state the gateway shows).")
        var line = MetricFamily("dahdi_doctor_gateway_port_line_connected", .gauge,
                                "1 if the gateway says a PSTN line is connected to the FXO port, else 0.")
        for gateway in (gateways ?? []).sorted(by: { $0.name < $1.name }) {
            let label = [("gateway", gateway.name)]
            if let probe = gateway.options {
                up.add(label, probe.outcome == .answered && (probe.statusCode ?? 0) < 500)
                if probe.outcome == .answered, let ms = probe.rttMilliseconds { rtt.add(label, ms / 1000) }
            }
            switch gateway.status {
            case .ok(let value)?:
                status.add(label, 1)
                for port in value.ports.sorted(by: { $0.port < $1.port }) {
                    let labels = label + [("port", String(port.port))]
                    switch port.registration {
                    case .registered: registered.add(labels, 1)
                    case .notRegistered: registered.add(labels, 0)
                    case .unknown: break
                    }
                    if let connected = port.lineConnected { line.add(labels, connected) }
                }
            case .failed(let failure)? where failure.kind != .unsupported:
                status.add(label, 0)
            default: break
            }
        }
        return [up, rtt, status, registered, line]
    }
}

extension PrometheusText {
    /// `text` (a rendering of this file's families) with `dahdi_doctor_last_run_timestamp_seconds` set to
    /// `observedAt`: the agent's once-a-minute refresh of an unchanged report, without rendering every series again.
    public static func withLastRunTimestamp(_ text: String, _ observedAt: Double) -> String {
        // One search and one splice: the text has a line per channel series, so splitting it is what would cost.
        let name = "dahdi_doctor_last_run_timestamp_seconds "
        let start: String.Index
        if text.hasPrefix(name) {
            start = text.startIndex
        } else if let found = text.firstRange(of: "\n" + name) {
            start = text.index(after: found.lowerBound)
        } else {
            return text
        }
        let valueStart = text.index(start, offsetBy: name.count)
        let valueEnd = text[valueStart...].firstIndex(of: "\n") ?? text.endIndex
        var result = text
        result.replaceSubrange(valueStart..<valueEnd, with: PrometheusExposition.formatValue(observedAt))
        return result
    }
}
