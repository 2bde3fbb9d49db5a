import Testing
@testable import DoctorCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// No fixture password appears in any request printout, recorded path, result, error or golden file.
@Suite struct VendorLeakTests {
    static func assertClean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for password in VendorFixtures.passwords {
            #expect(!text.contains(password), "\(what) leaks \(password)", sourceLocation: sourceLocation)
        }
    }

    @Test func requestsNeverShowThePassword() throws {
        let login = GatewayPage(path: "/cgi-bin/login", body: try Fixtures.read("gateways/grandstream-ht8xx/login.htm"))
        for adapter in GatewayStatusAdapters.all {
            for password in VendorFixtures.passwords {
                let credentials = GatewayCredentials(username: "admin", password: password)
                let requests = [adapter.loginRequest(credentials: credentials, loginPage: login),
                                adapter.statusRequest(credentials: credentials, sessionToken: "tok", after: [])]
                for case let request? in requests {
                    var dumped = ""
                    dump(request, to: &dumped)
                    Self.assertClean("\(request) \(request.recordedPath) \(request.formFieldNames) \(dumped)",
                                     "\(adapter.profile) request")
                    let page = GatewayPage(path: request.wireTarget, body: "")
                    let result = adapter.parse(page)
                    Self.assertClean("\(page.path) \(result) \(try JSONOutput.encode(result))", "\(adapter.profile) result")
                }
            }
        }
    }

    @Test func resultsAndGoldensNeverShowThePassword() throws {
        for fixture in VendorFixtures.statusPages {
            let result = fixture.adapter.parse(try fixture.load())
            Self.assertClean("\(result)" + (try JSONOutput.encode(result)), fixture.description)
            Self.assertClean(try Fixtures.read(fixture.golden), fixture.golden)
        }
    }
}
