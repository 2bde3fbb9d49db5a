import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real Prometheus from Debian (package prometheus) on a free loopback port, with its own scratch storage. It is
/// stopped with SIGKILL, by `stop()` or when the value goes away, so a failing test leaves no process behind.
final class PrometheusServer {
    static let executable = "/usr/bin/prometheus"
    let port: Int
    private var pid: pid_t = 0
    let log: String

    init(directory: String) throws {
        try PrometheusTools.require(Self.executable, package: "prometheus")
        port = try FreePort.loopback()
        log = directory + "/prometheus.log"
        pid = try SippServer.spawn([Self.executable, "--config.file=\(directory)/prometheus.yml",
                                    "--storage.tsdb.path=\(directory)/data", "--web.listen-address=127.0.0.1:\(port)",
                                    "--log.level=warn"], log: log)
        if PrometheusTools.waitUntilAnswering(url + "/-/ready", pid: &pid, attempts: 600, pause: 100_000) { return }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        stop()
        throw Failure(description: "Prometheus did not become ready on 127.0.0.1:\(port):\n\(text.suffix(3000))")
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    var url: String { "http://127.0.0.1:\(port)" }

    /// GETs each (path, parameters) in one python3 process (urllib, no code of ours in the way) and returns the
    /// decoded JSON bodies; an HTTP error's JSON body (Prometheus explains a bad query in it) is returned as well.
    func api(_ requests: [(path: String, parameters: [String: String])]) throws -> [[String: Any]] {
        let script = """
        import json, sys, urllib.error, urllib.parse, urllib.request
        out = []
        for path, params in json.load(sys.stdin):
            url = sys.argv[1] + path + ("?" + urllib.parse.urlencode(params) if params else "")
            try:
                with urllib.request.urlopen(url, timeout=20) as r:
                    out.append(json.loads(r.read()))
            except urllib.error.HTTPError as e:
                body = e.read().decode(errors="replace")
                try:
                    out.append(json.loads(body))
                except ValueError:
                    out.append({"status": "error", "error": "HTTP %d: %s" % (e.code, body)})
            except Exception as e:
                out.append({"status": "error", "error": repr(e)})
        json.dump(out, sys.stdout)
        """
        let input = try JSONSerialization.data(withJSONObject: requests.map { [$0.path, $0.parameters] as [Any] })
        let result = try Binary.runTool("/usr/bin/python3", ["-c", script, url], stdin: String(decoding: input, as: UTF8.self))
        guard result.status == 0,
              let bodies = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw Failure(description: "API request failed: \(result.stderr)")
        }
        return bodies
    }

    /// Instant queries; each answer is the result vector, or the error Prometheus gave.
    func query(_ expressions: [String]) throws -> [Result<[[String: Any]], Failure>] {
        try api(expressions.map { ("/api/v1/query", ["query": $0]) }).map { body in
            guard body["status"] as? String == "success", let data = body["data"] as? [String: Any],
                  let result = data["result"] as? [[String: Any]] else {
                return .failure(Failure(description: "\(body["errorType"] ?? "error"): \(body["error"] ?? body)"))
            }
            return .success(result)
        }
    }

    /// Every alert Prometheus holds, pending or firing.
    func alerts() throws -> [FleetAlert] {
        let body = try api([("/api/v1/alerts", [:])])[0]
        guard let data = body["data"] as? [String: Any], let alerts = data["alerts"] as? [[String: Any]] else {
            throw Failure(description: "alerts: \(body)")
        }
        return alerts.map {
            FleetAlert(labels: $0["labels"] as? [String: String] ?? [:], annotations: $0["annotations"] as? [String: String] ?? [:],
                       state: $0["state"] as? String ?? "")
        }
    }

    func stop() {
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: CInt = 0
            waitpid(pid, &status, 0)
            pid = 0
        }
    }

    deinit { stop() }
}

struct FleetAlert: CustomStringConvertible {
    var labels: [String: String]
    var annotations: [String: String]
    var state: String

    var name: String { labels["alertname"] ?? "" }
    var instance: String { labels["instance"] ?? "" }

    /// "AlertName instance k=v ...": what tells one alert from another (severity and the subject's words aside).
    var key: String {
        let rest = labels.filter { !["alertname", "instance", "job", "severity", "subject"].contains($0.key) }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ([name, instance] + rest).joined(separator: " ")
    }

    var description: String { "\(key) [\(state)]" }
}

/// The fleet view proven end to end: `dahdi-doctor metrics --observation` writes the textfile of three boxes (the lab's
/// demo box with its five faults, the lab's healthy box, and a box with Asterisk and two gateways), a real
/// node_exporter per box serves it, a real Prometheus scrapes them every second and evaluates the shipped rules every
/// second. Every query of the shipped Grafana dashboard must parse and return series; the demo and gateway boxes' rules
/// must fire with the labels and annotations an operator needs (box, span, finding ID, the `explain` runbook); the
/// healthy box must raise nothing, not even a pending alert; and staleness must fire once the demo box's file stops
/// changing (its mtime is set an hour back rather than waiting).
///
/// The one liberty: the rules are loaded with every `for:` divided by 30 (1m -> 2s, 10m -> 20s), so the test takes
/// seconds, not ten minutes. Expressions, labels and annotations are the shipped text; `promtool test rules`
/// (PrometheusToolsTests) checks the real `for:` durations.
@Suite(.serialized) struct FleetViewTests {
    static let boxes = [("pbx-demo", "lab-demo.json"), ("pbx-healthy", "lab-healthy.json"), ("pbx-gateways", "gateway-box.json")]
    static let dashboard = PrometheusTools.repository + "/Config/grafana/dahdi-doctor.json"

    /// What fires once every `for:` has passed (the demo box's staleness comes later, on purpose).
    static let expected: Set<String> = [
        "DahdiSpanRedAlarm pbx-demo alarm=red span=1",
        "DahdiSpanYellowAlarm pbx-demo alarm=yellow span=2",
        "DahdiDoctorCriticalFinding pbx-demo id=span-red-alarm span=1",
        "DahdiDoctorCriticalFinding pbx-demo id=span-yellow-alarm span=2",
        "DahdiDoctorCriticalFinding pbx-demo id=channel-missing-in-kernel",
        "DahdiDoctorCriticalFinding pbx-demo id=chan-dahdi-signalling-mismatch",
        "DahdiDoctorFinding pbx-demo id=module-not-loaded",
        "DahdiDoctorFinding pbx-demo id=echo-canceller-not-attached",
        "GatewaySipOptionsDown pbx-gateways gateway=branch-fxo",
        "GatewayPortNotRegistered pbx-gateways gateway=office-fxo port=2",
        "GatewayFxoLineDisconnected pbx-gateways gateway=office-fxo port=2",
        "PjsipRegistrationDown pbx-gateways registration=trunk-provider",
        "DahdiDoctorCriticalFinding pbx-gateways id=pjsip-registration-failed",
        "DahdiDoctorCriticalFinding pbx-gateways id=gateway-unreachable",
        "DahdiDoctorCriticalFinding pbx-gateways id=gateway-port-not-registered",
        "DahdiDoctorCriticalFinding pbx-gateways id=gateway-fxo-line-disconnected",
    ]
    static let stale = "DahdiDoctorMetricsStale pbx-demo file="

    @Test(.timeLimit(.minutes(10)))
    func dashboardAndAlertsOnARealPrometheus() throws {
        try PrometheusTools.require(PrometheusServer.executable, package: "prometheus")
        let start = Date()
        func phase(_ what: String) { print("FleetViewTests: \(what) after \(Int(Date().timeIntervalSince(start))) s") }
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }

        // One textfile directory and one node_exporter per box.
        var exporters: [NodeExporter] = []
        defer { exporters.forEach { $0.stop() } }
        var targets: [(box: String, port: Int)] = []
        for (box, observation) in Self.boxes {
            let dir = root + "/" + box
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            let written = try Binary.run(["metrics", "--observation", PrometheusTools.observations + "/" + observation,
                                          "--textfile-directory", dir])
            try #require(written.status == 0, "metrics for \(box): \(written.stderr)")
            let exporter = try NodeExporter(textfileDirectory: dir)
            exporters.append(exporter)
            targets.append((box, exporter.port))
        }

        // The shipped rules with only their pending durations shortened.
        let shipped = try String(contentsOfFile: PrometheusTools.rules + "/dahdi-doctor.rules.yml", encoding: .utf8)
        let (rules, shortened) = Self.shortenFor(shipped)
        #expect(shortened >= 10, "every for: of the shipped rules was found (\(shortened))")
        try rules.write(toFile: root + "/rules.yml", atomically: true, encoding: .utf8)
        var config = """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - \(root)/rules.yml
        scrape_configs:
          - job_name: node
            static_configs:

        """
        for target in targets {
            config += "      - targets: ['127.0.0.1:\(target.port)']\n        labels: {instance: \(target.box)}\n"
        }
        try config.write(toFile: root + "/prometheus.yml", atomically: true, encoding: .utf8)
        phase("three node_exporters serving")
        let prometheus = try PrometheusServer(directory: root)
        defer { prometheus.stop() }
        phase("Prometheus ready")

        // Every box scraped, and enough samples for rate() (a few scrapes).
        try Self.waitUntil("three boxes scraped with dahdi_doctor_info", seconds: 120, prometheus: prometheus) {
            let answer = try prometheus.query(["count(dahdi_doctor_info) == 3 and count(up{job=\"node\"} == 1) == 3"])
            return (try? answer[0].get())?.isEmpty == false
        }
        sleep(4)
        phase("every box scraped")

        try checkDashboard(prometheus)
        phase("dashboard checked")
        try checkAlerts(prometheus, textfiles: Dictionary(uniqueKeysWithValues: Self.boxes.map { ($0.0, root + "/\($0.0)/dahdi_doctor.prom") }))
        phase("alerts checked")
    }

    // MARK: the dashboard

    func checkDashboard(_ prometheus: PrometheusServer) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboard))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(dashboard["schemaVersion"] as? Int == 39)
        let variables = ((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]]) ?? []
        #expect(Set(variables.compactMap { $0["name"] as? String }) == ["datasource", "instance"])
        try Self.checkLayout(dashboard)
        let targets = Self.targets(in: dashboard)
        #expect(targets.count >= 30, "the dashboard's queries were found (\(targets.count))")

        // The Box variable's values, label_values(METRIC, instance), are the three boxes.
        let box = try #require(variables.first { $0["name"] as? String == "instance" })
        let values = try #require((box["query"] as? String)?.wholeMatch(of: /label_values\((\w+), instance\)/))
        let boxes = try prometheus.query([String(values.1)])[0].get()
        #expect(Set(boxes.compactMap { ($0["metric"] as? [String: String])?["instance"] }) == Set(Self.boxes.map(\.0)))

        // Only metrics `dahdi-doctor metrics` wrote (plus node_exporter's mtime of that file), only documented labels.
        let served = try Self.servedMetricNames(prometheus)
        let documented = try Self.documentedLabels()
        for target in targets {
            for name in Self.metricNames(in: target.expr) {
                #expect(served.contains(name) || name == "node_textfile_mtime_seconds",
                        "\(target.panel): \(name) is not a metric dahdi-doctor writes")
            }
            for label in Self.labelNames(in: target.expr) {
                #expect(documented.contains(label), "\(target.panel): label \(label) is not in docs/metrics.md")
            }
        }

        // Every query, for all boxes, parses and returns series.
        let expressions = targets.map { Self.substitute($0.expr, instance: ".*") }
        for (target, answer) in zip(targets, try prometheus.query(expressions)) {
            switch answer {
            case .success(let series): #expect(!series.isEmpty, "\(target.panel): no series for \(target.expr)")
            case .failure(let error): Issue.record("\(target.panel): \(error) for \(target.expr)")
            }
        }

        // The negative control: a box that is not there gives no series, which the check above would report.
        #expect(try prometheus.query([Self.substitute(targets[0].expr, instance: "no-such-box")])[0].get().isEmpty)

        // The fleet status and span state say what the boxes are.
        let fleet = try #require(targets.first { $0.panel.hasPrefix("Fleet status") })
        let spans = try #require(targets.first { $0.panel == "Span alarm state over time" })
        let answers = try prometheus.query([Self.substitute(fleet.expr, instance: ".*"), Self.substitute(spans.expr, instance: "pbx-demo")])
        let worst = Dictionary(uniqueKeysWithValues: try answers[0].get().map { (Self.label($0, "instance"), Self.value($0)) })
        #expect(worst == ["pbx-demo": 3, "pbx-healthy": 0, "pbx-gateways": 3], "CRITICAL 3, OK 0")
        let state = Dictionary(uniqueKeysWithValues: try answers[1].get().map { (Self.label($0, "span"), Self.value($0)) })
        #expect(state == ["1": 3, "2": 1], "span 1 RED, span 2 YELLOW")
    }

    /// What Grafana needs to lay the dashboard out and query the chosen data source: unique panel ids, panels inside
    /// the 24-column grid and not on top of each other, Grafana's own panel types, and every panel and query on the
    /// `datasource` variable (no data source uid of ours baked in).
    static func checkLayout(_ dashboard: [String: Any]) throws {
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let all = panels + panels.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
        let ids = all.compactMap { $0["id"] as? Int }
        #expect(ids.count == all.count && Set(ids).count == ids.count, "unique panel ids")
        let types: Set<String> = ["row", "stat", "bargauge", "table", "timeseries", "state-timeline", "status-history"]
        var cells = Set<[Int]>()
        for panel in all {
            let title = panel["title"] as? String ?? "?"
            #expect(types.contains(panel["type"] as? String ?? ""), "\(title): panel type")
            let grid = panel["gridPos"] as? [String: Int] ?? [:]
            let (x, y, w, h) = (grid["x"] ?? -1, grid["y"] ?? -1, grid["w"] ?? 0, grid["h"] ?? 0)
            #expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, "\(title): gridPos \(grid)")
            for column in max(x, 0)..<min(x + w, 24) {
                for row in max(y, 0)..<(max(y, 0) + h) {
                    #expect(cells.insert([column, row]).inserted, "\(title) overlaps another panel at \(column),\(row)")
                }
            }
            if panel["type"] as? String != "row" {
                #expect((panel["datasource"] as? [String: String])?["uid"] == "${datasource}", "\(title): datasource")
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    #expect((target["datasource"] as? [String: String])?["uid"] == "${datasource}", "\(title): query datasource")
                }
                #expect(!(panel["description"] as? String ?? "").isEmpty, "\(title): a description")
            }
        }
    }

    struct Target { var panel: String; var expr: String }

    static func targets(in object: Any, panel: String = "") -> [Target] {
        if let list = object as? [Any] { return list.flatMap { targets(in: $0, panel: panel) } }
        guard let dictionary = object as? [String: Any] else { return [] }
        let title = dictionary["title"] as? String ?? panel
        var found: [Target] = []
        if let expr = dictionary["expr"] as? String { found.append(Target(panel: panel, expr: expr)) }
        for key in ["panels", "targets"] { if let value = dictionary[key] { found += targets(in: value, panel: title) } }
        return found
    }

    /// What Grafana would send: the selected boxes as a regex, its rate interval.
    static func substitute(_ expr: String, instance: String) -> String {
        expr.replacingOccurrences(of: "$instance", with: instance).replacingOccurrences(of: "$__rate_interval", with: "1m")
    }

    /// Selector names, and any dahdi_ or node_ word outside a quoted label value.
    static func metricNames(in expr: String) -> Set<String> {
        let unquoted = expr.replacing(/"[^"]*"/, with: "\"\"")
        return Set(unquoted.matches(of: /([a-zA-Z_:][a-zA-Z0-9_:]*)\{/).map { String($0.1) }
            + unquoted.matches(of: /\b((?:dahdi|node)_[a-z0-9_]+)/).map { String($0.1) })
    }

    static func labelNames(in expr: String) -> Set<String> {
        var names = Set<String>()
        for selector in expr.matches(of: /\{([^}]*)\}/) {
            names.formUnion(String(selector.1).matches(of: /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/).map { String($0.1) })
        }
        for grouping in expr.matches(of: /\b(?:by|on|without|ignoring|group_left|group_right)\s*\(([^)]*)\)/) {
            names.formUnion(String(grouping.1).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return names
    }

    static func servedMetricNames(_ prometheus: PrometheusServer) throws -> Set<String> {
        let series = try prometheus.query(["count by (__name__) ({__name__=~\"dahdi_.+\"})"])[0].get()
        return Set(series.map { label($0, "__name__") })
    }

    /// The label names in the second column of docs/metrics.md's table, plus the target's `instance` and `job`
    /// and node_exporter's `file`.
    static func documentedLabels() throws -> Set<String> {
        let text = try String(contentsOfFile: PrometheusTools.repository + "/docs/metrics.md", encoding: .utf8)
        var labels: Set<String> = ["instance", "job", "file"]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let columns = line.split(separator: "|", omittingEmptySubsequences: false)
            guard columns.count > 3 else { continue }
            labels.formUnion(String(columns[2]).matches(of: /`([a-z_]+)`/).map { String($0.1) })
        }
        return labels
    }

    static func label(_ sample: [String: Any], _ name: String) -> String {
        (sample["metric"] as? [String: String])?[name] ?? ""
    }

    static func value(_ sample: [String: Any]) -> Double {
        ((sample["value"] as? [Any])?.last as? String).flatMap(Double.init) ?? .nan
    }

    // MARK: the alerts

    func checkAlerts(_ prometheus: PrometheusServer, textfiles: [String: String]) throws {
        // As the timer would, keep the files fresh however slow the machine is: a slow run must not go stale.
        func rewritten(_ boxes: [String]) throws {
            for box in boxes { try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: textfiles[box]!) }
        }
        var alerts: [FleetAlert] = []
        try Self.waitUntil("every expected alert firing", seconds: 240, prometheus: prometheus, last: { "\(alerts)" }) {
            try rewritten(Self.boxes.map(\.0))
            alerts = try prometheus.alerts()
            return Self.expected.isSubset(of: Set(alerts.filter { $0.state == "firing" }.map(\.key)))
        }
        // Nothing else, in any state: the healthy box raises nothing, and the demo box is not stale while its file
        // is fresh.
        #expect(Set(alerts.map(\.key)) == Self.expected, "unexpected: \(Set(alerts.map(\.key)).subtracting(Self.expected))")
        #expect(!alerts.contains { $0.instance == "pbx-healthy" }, "the healthy box fires nothing: \(alerts.filter { $0.instance == "pbx-healthy" })")

        // The file stops changing: an hour-old mtime, as node_exporter reports it.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: textfiles["pbx-demo"]!)
        try Self.waitUntil("the demo box's metrics stale", seconds: 120, prometheus: prometheus, last: { "\(alerts)" }) {
            try rewritten(["pbx-healthy", "pbx-gateways"])
            alerts = try prometheus.alerts()
            return alerts.contains { $0.key.hasPrefix(Self.stale) && $0.state == "firing" }
        }
        let stale = try #require(alerts.first { $0.key.hasPrefix(Self.stale) })
        #expect(stale.labels["file"]?.hasSuffix("/pbx-demo/dahdi_doctor.prom") == true)
        #expect(stale.annotations["description"]?.hasPrefix("dahdi_doctor.prom on pbx-demo was last written 1h ") == true,
                "\(stale.annotations)")
        #expect(!alerts.contains { $0.instance == "pbx-healthy" })
        #expect(!alerts.contains { $0.name == "DahdiDoctorMetricsStale" && $0.instance != "pbx-demo" })

        // What an operator gets: box, span, finding ID, and a runbook naming `dahdi-doctor explain ID`.
        var explained = Set<String>()
        for alert in alerts {
            #expect(Self.boxes.map(\.0).contains(alert.instance), "\(alert)")
            #expect(["critical", "warning"].contains(alert.labels["severity"] ?? ""), "\(alert)")
            for name in ["summary", "description", "runbook"] {
                let text = alert.annotations[name] ?? ""
                #expect(!text.isEmpty && !text.contains("{{") && !text.contains("<no value>"), "\(alert): \(name) = \(text)")
            }
            let runbook = alert.annotations["runbook"] ?? ""
            if let id = alert.labels["id"] {
                #expect(runbook == "dahdi-doctor explain \(id)", "\(alert)")
                #expect(alert.annotations["summary"] == "\(id): \(alert.labels["subject"] ?? "")", "\(alert)")
            }
            if alert.name.hasPrefix("DahdiSpan") {
                #expect(runbook == "dahdi-doctor explain span-\(alert.labels["alarm"] ?? "")-alarm", "\(alert)")
                #expect(alert.annotations["summary"]?.contains("span \(alert.labels["span"] ?? "?") ") == true, "\(alert)")
            }
            if let match = runbook.firstMatch(of: /dahdi-doctor explain ([a-z0-9-]+)/) { explained.insert(String(match.1)) }
        }
        let red = try #require(alerts.first { $0.key == "DahdiDoctorCriticalFinding pbx-demo id=span-red-alarm span=1" })
        #expect(red.labels["subject"] == "span 1 (DYN/loc/1:0)")
        #expect(red.annotations["description"] == "dahdi-doctor on pbx-demo reports the critical finding span-red-alarm for span 1 (DYN/loc/1:0). Run dahdi-doctor check there for the evidence and the fix.")
        // Every runbook is a real catalogue entry: `explain` knows it.
        #expect(explained.count == 10, "\(explained.sorted())")
        for id in explained.sorted() {
            let result = try Binary.run(["explain", id])
            #expect(result.status == 0 && result.stdout.contains(id), "dahdi-doctor explain \(id): \(result.stderr)")
        }
    }

    /// Every `for: Nm` becomes `for: (2N)s`; nothing else changes.
    static func shortenFor(_ rules: String) -> (String, Int) {
        var count = 0
        let lines = rules.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let match = line.wholeMatch(of: /(\s+)for: (\d+)m/), let minutes = Int(match.2) else { return String(line) }
            count += 1
            return "\(match.1)for: \(minutes * 2)s"
        }
        return (lines.joined(separator: "\n"), count)
    }

    static func waitUntil(_ what: String, seconds: Double, prometheus: PrometheusServer,
                          last: () -> String = { "" }, _ condition: () throws -> Bool) throws {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(500_000)
        }
        let log = (try? String(contentsOfFile: prometheus.log, encoding: .utf8)) ?? ""
        throw PrometheusServer.Failure(description: "timed out after \(Int(seconds)) s waiting for \(what); last seen: \(last())\nPrometheus log:\n\(log.suffix(3000))")
    }
}
