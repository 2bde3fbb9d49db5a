/// Which profile a page belongs to when it did not parse under the configured one: the HT802V2's JSON read with
/// `grandstream-ht8xx`, a PAP2T's Info page with `cisco-spa112`. Every other adapter reads the same page; the first
/// that reads ports from it names the profile to use. Pure: no request is sent again.
public enum GatewayProfileGuess {
    /// The profile whose adapter reads `page`, other than `configured`; nil when none does.
    public static func profile(for page: GatewayPage, configured: String) -> String? {
        let own = GatewayStatusAdapters.adapter(forProfile: configured)?.profile ?? configured
        for adapter in GatewayStatusAdapters.all where adapter.profile != own && adapter.profile != "none" {
            if case .ok(let status) = adapter.parse(page), !status.ports.isEmpty { return adapter.profile }
        }
        // The new UI's JSON envelope answers every API call, the login too, so even a refusal names its profile.
        if own != "grandstream-ht8xx-api", APIAnswer.decode(page.body) != nil { return "grandstream-ht8xx-api" }
        return nil
    }

    /// Adds the guess to a failure that is about the page's shape.
    public static func annotate(_ failure: GatewayStatusFailure, page: GatewayPage?, configured: String)
        -> GatewayStatusFailure {
        guard failure.kind == .unparseable, failure.suggestedProfile == nil, let page else { return failure }
        var annotated = failure
        annotated.suggestedProfile = profile(for: page, configured: configured)
        return annotated
    }
}
