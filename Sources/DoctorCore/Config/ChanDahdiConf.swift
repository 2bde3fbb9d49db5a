/// chan_dahdi.conf (with its includes) as chan_dahdi would build its channels.
public struct ChanDahdiConfig: Sendable, Hashable, Codable {
    /// Every channel chan_dahdi would create, in the order it creates them. A channel defined twice appears once,
    /// with its last definition (chan_dahdi reconfigures it), and the earlier one is named in an issue.
    public var channels: [ChanDahdiChannel] = []
    /// Every file read, the top-level one first.
    public var files: [String] = []
    /// False when Asterisk would refuse the file or chan_dahdi would fail to load from it.
    public var loadsInAsterisk = true
    public var issues: [ParseIssue] = []

    public init() {}

    public func channel(_ number: Int) -> ChanDahdiChannel? { channels.first { $0.channel == number } }
}

public struct ChanDahdiChannel: Sendable, Hashable, Codable {
    public var channel: Int
    /// Where it was created: its `channel =>` line, or the `dahdichan =` line of its section.
    public var file: String
    public var line: Int
    public var section: String
    /// The `signalling=` value in force, lowercased (`fxs_ks`, `pri_cpe`, `auto`); nil if none was set.
    public var signalling: String?
    /// chan_dahdi's SIG_* number for it (nil for `auto` or none).
    public var chanDahdiSig: UInt32?
    /// The DAHDI signalling the kernel channel must have (nil for `auto` or none).
    public var expectedSignalling: Signalling?
    /// The kernel name of `expectedSignalling` (`FXSKS`, `Clear`...).
    public var expectedSignallingName: String?
    public var context: String
    public var group: String?
    /// Every other option in force when the channel was created, each with the line that set it last.
    public var options: [ChanDahdiOption]
}

public struct ChanDahdiOption: Sendable, Hashable, Codable {
    public var key: String
    public var value: String
    public var file: String
    public var line: Int
}
