import Testing
@testable import DoctorCore

/// MD5 and HTTP Digest/Basic, checked against the RFCs' own vectors and worked examples.
@Suite struct VendorAuthTests {
    /// RFC 1321 appendix A.5, the test suite.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func md5MatchesRFC1321(input: String, expected: String) {
        #expect(MD5.hex(input) == expected)
    }

    @Test func md5AcrossBlockBoundaries() {
        // 55, 56 and 64 bytes pad differently (the length must fit in the last block or spill into a new one).
        #expect(MD5.hex(String(repeating: "a", count: 55)) == "ef1772b6dff9a122358552954ad0df65")
        #expect(MD5.hex(String(repeating: "a", count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(MD5.hex(String(repeating: "a", count: 64)) == "014842d480b571495a4a0363793f7367")
    }

    /// RFC 7616 §3.9.1, the MD5 example.
    static let rfc7616Challenge = """
        Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, \
        nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
        """

    @Test func digestMatchesRFC7616WorkedExample() throws {
        let challenges = HTTPAuthChallenge.parse(Self.rfc7616Challenge)
        #expect(challenges.count == 1)
        let digest = try DigestAuthorization(challenge: try #require(challenges.first))
        #expect(digest.realm == "http-auth@example.org" && digest.usesQop && digest.algorithm == "MD5")
        let response = digest.response(username: "Mufasa", password: "Circle of Life", method: "GET",
                                       uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                                       nonceCount: 1)
        #expect(response == "8ca523f5e9506fed4657c9700eebdbec")
        let header = digest.header(credentials: GatewayCredentials(username: "Mufasa", password: "Circle of Life"),
                                   defaultUser: "admin", method: "GET", uri: "/dir/index.html",
                                   cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", nonceCount: 1)
        #expect(header == """
            Digest username="Mufasa", realm="http-auth@example.org", \
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", algorithm=MD5, qop=auth, \
            nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", \
            response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
            """)
        #expect(!header.contains("Circle of Life"))
    }

    /// RFC 2617 §3.5, the example older web servers still follow (no algorithm named).
    @Test func digestMatchesRFC2617Example() throws {
        let challenge = try #require(HTTPAuthChallenge.parse("""
            Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", \
            opaque="5ccc069c403ebaf9f0171e9517f40e41"
            """).first)
        let digest = try DigestAuthorization(challenge: challenge)
        #expect(digest.response(username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html",
                                cnonce: "0a4f113b", nonceCount: 1) == "6629fae49393a05397450978507c4ef1")
    }

    @Test func digestWithoutQopUsesTheRFC2069Form() throws {
        let challenge = try #require(HTTPAuthChallenge.parse(#"Digest realm="r", nonce="n""#).first)
        let digest = try DigestAuthorization(challenge: challenge)
        let ha1 = MD5.hex("u:r:p"), ha2 = MD5.hex("GET:/")
        #expect(digest.response(username: "u", password: "p", method: "GET", uri: "/", cnonce: "c", nonceCount: 1)
                == MD5.hex("\(ha1):n:\(ha2)"))
        #expect(!digest.header(credentials: GatewayCredentials(username: "u", password: "p"), defaultUser: "admin",
                               method: "GET", uri: "/", cnonce: "c", nonceCount: 1).contains("cnonce"))
    }

    @Test func digestRefusesWhatItDoesNotImplement() {
        for header in [#"Digest realm="r", nonce="n", algorithm=SHA-256"#, #"Digest realm="r", nonce="n", qop="auth-int""#,
                       #"Digest realm="r""#] {
            let challenge = HTTPAuthChallenge.parse(header)[0]
            #expect(throws: DigestAuthorization.Unsupported.self) { try DigestAuthorization(challenge: challenge) }
        }
    }

    @Test func severalChallengesInOneHeader() {
        let challenges = HTTPAuthChallenge.parse(#"Basic realm="SPA", Digest realm="d, with comma", nonce=abc, qop="auth""#)
        #expect(challenges.map(\.scheme) == ["basic", "digest"])
        #expect(challenges[0].parameters == ["realm": "SPA"])
        #expect(challenges[1].parameters == ["realm": "d, with comma", "nonce": "abc", "qop": "auth"])
    }

    /// RFC 7617 §2's example.
    @Test func basicMatchesRFC7617() {
        #expect(BasicAuthorization.header(credentials: GatewayCredentials(username: "Aladdin", password: "open sesame"),
                                          defaultUser: "admin") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        #expect(BasicAuthorization.header(credentials: GatewayCredentials(username: nil, password: "x"), defaultUser: "admin")
                == "Basic YWRtaW46eA==")
    }
}
