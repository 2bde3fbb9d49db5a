import Testing
@testable import DoctorCore

@Suite struct AMIPolicyTests {
    @Test(arguments: [
        ("22.10.1", true), ("23.0.0", true), ("21.3.0", true), ("21.3.0-rc1", true), ("21.2.0", false),
        ("20.8.0", true), ("20.7.0", false), ("20.17.1", true), ("19.8.1", false), ("18.23.0", true), ("18.22.0", false),
        ("16.30.1", false),
    ])
    func dahdiShowStatusByRelease(version: String, present: Bool) {
        let support = DahdiShowStatusSupport.of(asteriskVersion: version)
        if present {
            #expect(support == .present)
        } else {
            #expect(support == .absent(reason: "Asterisk \(version) has no DAHDIShowStatus (needs 21.3.0, 20.8.0 or 18.23.0)"))
        }
    }

    @Test func unknownVersionsAreAsked() {
        for text in ["GIT-master-1a2b3c", "certified/18.9-cert4", "certified-20.7-cert3", "", "22"] {
            #expect(DahdiShowStatusSupport.of(asteriskVersion: text) == .unknown, "\(text)")
        }
        #expect(DahdiShowStatusSupport.of(asteriskVersion: nil) == .unknown)
        #expect(AsteriskVersion("certified/18.9-cert4") == AsteriskVersion(major: 18, minor: 9, isCertified: true))
        #expect(AsteriskVersion("22.10.1")! > AsteriskVersion("22.9.3")!)
    }

    @Test func backoffDoublesUpToTheCap() {
        let policy = ReconnectPolicy.backoff(initialDelay: .milliseconds(500), maxDelay: .seconds(5), maxAttempts: 8)
        #expect((1...9).map { policy.delay(beforeAttempt: $0) } == [
            nil, .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5), .seconds(5), nil,
        ])
        #expect(ReconnectPolicy.never.delay(beforeAttempt: 2) == nil)
        // Unbounded attempts stay at the cap and do not overflow.
        #expect(ReconnectPolicy.backoff().delay(beforeAttempt: 1_000_000) == .seconds(30))
    }

    @Test func onlyTransientFailuresAreRetried() {
        let policy = ReconnectPolicy.backoff()
        let retried = AMIFailure.Kind.allKindsForTests.filter { policy.retries(after: AMIFailure(kind: $0, message: "")) }
        #expect(retried == [.connect, .timeout, .closed])
    }
}

extension AMIFailure.Kind {
    static let allKindsForTests: [AMIFailure.Kind] = [.connect, .tls, .timeout, .closed, .protocolError, .loginRefused,
                                                      .permission, .unsupported, .error]
}

@Suite struct AMICredentialsTests {
    @Test func parsesTheFile() throws {
        let text = "# dahdi-doctor AMI user\r\n; read = system\r\n\r\nusername = doctor\r\n  secret=with;semi#hash and spaces  \r\n"
        let credentials = try AMICredentials.parse(text, file: "/etc/dahdi-doctor/ami.conf")
        #expect(credentials.username == "doctor" && credentials.secret.equals("with;semi#hash and spaces"))
        #expect(credentials.source == "/etc/dahdi-doctor/ami.conf")
        #expect("\(credentials)" == "doctor (secret <redacted>, from /etc/dahdi-doctor/ami.conf)")
    }

    @Test(arguments: [
        ("username = doctor\n", "no `secret = ...` line"),
        ("secret = x\n", "no `username = ...` line"),
        ("username = doctor\nsecret =\n", "no `secret = ...` line"),
        ("username = doctor\nhunter2-not-a-line\nsecret = x\n", "line 2 is not `username = ...` or `secret = ...`"),
        ("username = doctor\npassword = hunter2\n", "line 2 is not `username = ...` or `secret = ...`"),
        ("username = a\nusername = b\nsecret = x\n", "line 2: username given twice"),
    ])
    func refusesWithoutQuotingTheFile(text: String, message: String) {
        do {
            _ = try AMICredentials.parse(text, file: "f")
            Issue.record("accepted")
        } catch {
            #expect(error.message == message)
            AMIFixtures.expectAbsent("hunter2", in: error.description, "the error")
        }
    }

    @Test func fromTheEnvironment() throws {
        let credentials = try AMICredentials.fromEnvironment(user: "doctor", secret: "env-secret")
        #expect(credentials.source == "environment" && credentials.secret.equals("env-secret"))
        #expect(throws: AMICredentialError(source: "environment", message: "neither DAHDI_DOCTOR_AMI_USER nor DAHDI_DOCTOR_AMI_SECRET is set")) {
            try AMICredentials.fromEnvironment(user: nil, secret: nil)
        }
        #expect(throws: AMICredentialError.self) { try AMICredentials.fromEnvironment(user: "doctor", secret: nil) }
        #expect(throws: AMICredentialError.self) { try AMICredentials.fromEnvironment(user: "doctor", secret: "a\r\nb") }
    }
}
