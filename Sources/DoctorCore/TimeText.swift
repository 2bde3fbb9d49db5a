#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Unix times as evidence text.
public enum TimeText {
    /// ISO 8601 in UTC, to the second: "2026-11-21T07:30:00Z".
    public static func iso8601UTC(_ unixSeconds: Double) -> String {
        Date(timeIntervalSince1970: unixSeconds.rounded(.down)).formatted(.iso8601)
    }
}
