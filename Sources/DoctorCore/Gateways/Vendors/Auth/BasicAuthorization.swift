#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// HTTP Basic (RFC 7617): `Basic base64(user:password)`. Sent only after a 401 asks for it.
public enum BasicAuthorization {
    public static func header(credentials: GatewayCredentials, defaultUser: String) -> String {
        let pair = (credentials.username ?? defaultUser) + ":" + credentials.password
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }
}
