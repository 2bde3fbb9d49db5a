/// How dahdi_cfg splits a value into arguments and channel lists, with its exact error messages. Kept separate from
/// the line grammar because `span`, `dynamic`, the channel keywords, `echocanceller` and `56k` all share it.
enum DahdiCfgArguments {
    /// The highest channel number dahdi_cfg accepts (DAHDI_MAX_CHANNELS - 1).
    static let maxChannel = 1023

    /// Splits at `separator`. The first piece is taken as is; later pieces lose their leading blanks; a separator
    /// at the very end adds nothing, but an empty piece between two separators is kept. Nil when there would be
    /// more than `maxCount` pieces (dahdi_cfg then treats the whole value as having a wrong argument count).
    static func split(_ value: ArraySlice<UInt8>, separator: UInt8, maxCount: Int) -> [ArraySlice<UInt8>]? {
        var pieces: [ArraySlice<UInt8>] = []
        var start = value.startIndex
        var first = true
        while true {
            var pieceStart = start
            if !first {
                while pieceStart < value.endIndex, value[pieceStart] < 33 { pieceStart += 1 }
                if pieceStart == value.endIndex { break }
                if pieces.count >= maxCount { return nil }
            }
            first = false
            let end = value[pieceStart...].firstIndex(of: separator) ?? value.endIndex
            pieces.append(value[pieceStart..<end])
            if end == value.endIndex { break }
            start = end + 1
        }
        return pieces
    }

    /// A parsed channel list (`1-4,6`): the channels in ascending order without repeats, plus what dahdi_cfg read
    /// differently from how it looks (`1–24` with a typographic dash is channel 1 to dahdi_cfg).
    struct ChannelList {
        var channels: [Int]
        var lenientReadings: [String]
    }

    /// dahdi_cfg's channel-list reading; the failure is its message for the first bad element (the line is then
    /// rejected as a whole, as dahdi_cfg rejects it).
    static func channelList(_ value: ArraySlice<UInt8>) -> Result<ChannelList, DahdiCfgMessage> {
        guard let pieces = split(value, separator: UInt8(ascii: ","), maxCount: maxChannel + 1) else {
            return .failure(DahdiCfgMessage("Too many arguments...  Max is \(maxChannel + 1)"))
        }
        var selected = Set<Int>()
        var lenient: [String] = []
        for piece in pieces {
            let text = ConfigText.string(piece)
            if piece.contains(UInt8(ascii: "-")) {
                switch range(piece, text: text) {
                case .success(let (start, finish, notes)):
                    selected.formUnion(start...finish)
                    lenient += notes
                case .failure(let message):
                    return .failure(message)
                }
            } else {
                guard let scanned = CScannedInt.scan(piece) else {
                    return .failure(DahdiCfgMessage(
                        "Syntax error.  Channel should be a number from 1 to \(maxChannel), not '\(text)'"))
                }
                guard scanned.value >= 1, scanned.value <= maxChannel else {
                    return .failure(DahdiCfgMessage(
                        "Channel must be between 1 and \(maxChannel) (not '\(scanned.value)')"))
                }
                if let note = lenientNote(piece, scanned: scanned, text: text) { lenient.append(note) }
                selected.insert(Int(scanned.value))
            }
        }
        return .success(ChannelList(channels: selected.sorted(), lenientReadings: lenient))
    }

    private static func range(_ piece: ArraySlice<UInt8>, text: String)
        -> Result<(Int, Int, [String]), DahdiCfgMessage> {
        guard let ends = split(piece, separator: UInt8(ascii: "-"), maxCount: 2), ends.count == 2 else {
            return .failure(DahdiCfgMessage("Syntax error in range '\(text)'.  Should be <val1>-<val2>."))
        }
        guard let start = CScannedInt.scan(ends[0]) else {
            return .failure(DahdiCfgMessage(
                "Syntax error.  Start of range '\(text)' should be a number from 1 to \(maxChannel)"))
        }
        guard start.value >= 1, start.value <= maxChannel else {
            return .failure(DahdiCfgMessage(
                "Start of range '\(text)' must be between 1 and \(maxChannel) (not '\(start.value)')"))
        }
        guard let finish = CScannedInt.scan(ends[1]) else {
            return .failure(DahdiCfgMessage(
                "Syntax error.  End of range '\(text)' should be a number from 1 to \(maxChannel)"))
        }
        guard finish.value >= 1, finish.value <= maxChannel else {
            return .failure(DahdiCfgMessage(
                "end of range '\(text)' must be between 1 and \(maxChannel) (not '\(finish.value)')"))
        }
        guard start.value <= finish.value else {
            return .failure(DahdiCfgMessage("Range '\(text)' should start before it ends"))
        }
        let notes = [lenientNote(ends[0], scanned: start, text: text),
                     lenientNote(ends[1], scanned: finish, text: text)].compactMap { $0 }
        return .success((Int(start.value), Int(finish.value), notes.isEmpty ? [] : [notes[0]]))
    }

    /// Describes a number dahdi_cfg accepted although text follows it or it did not fit.
    static func lenientNote(_ piece: ArraySlice<UInt8>, scanned: CScannedInt, text: String) -> String? {
        let rest = scanned.rest(of: piece)
        if scanned.overflowed {
            return "dahdi_cfg reads '\(text)' as \(scanned.value): the number does not fit in an int"
        }
        guard !rest.isEmpty else { return nil }
        return "dahdi_cfg reads '\(text)' as \(scanned.value) and ignores '\(ConfigText.string(rest))'"
    }
}

/// One of dahdi_cfg's own error messages, kept verbatim so technicians recognise it.
struct DahdiCfgMessage: Error, Equatable {
    var text: String
    init(_ text: String) { self.text = text }
}
