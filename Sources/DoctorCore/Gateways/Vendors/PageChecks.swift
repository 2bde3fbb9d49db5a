/// Checks every adapter makes before reading a page.
enum PageChecks {
    /// Larger than any status page: the reader's HTTP client stops reading at this size too.
    static let sizeLimit = GatewayPage.sizeLimit

    /// A page too large to be a status page, or HTML cut short, or nil when the page can be read.
    static func problem(_ page: GatewayPage, isHTML: Bool) -> GatewayStatusFailure? {
        let size = page.byteCount
        if size > sizeLimit {
            return GatewayStatusFailure(kind: .unparseable,
                                        message: "the page is \(size) bytes, more than the \(sizeLimit) a status page can be",
                                        path: page.path)
        }
        guard isHTML else { return nil }
        // A page that opens <html> but never closes it lost its end on the way (a gateway rebooting mid-answer,
        // a proxy timing out), so values missing from it prove nothing.
        let bytes = Array(page.body.utf8)
        guard bytes.index(ofCaseInsensitive: "<html", from: 0) != nil,
              bytes.index(ofCaseInsensitive: "</html>", from: 0) == nil else { return nil }
        return GatewayStatusFailure(kind: .unparseable,
                                    message: "the page ends before </html> (\(size) bytes): it was cut short",
                                    path: page.path)
    }
}

extension GatewayPage {
    /// 2 MiB: status pages are a few kilobytes; anything this big is not one.
    public static let sizeLimit = 2 * 1024 * 1024
}
