import DoctorCore
import FuzzSupport

/// An AMI byte stream: the framer (banner, CRLF/LF, caps), then every decoder on every message. Invariants:
/// - fed whole or in read-sized chunks, the framer gives the same frames and the same failure;
/// - no frame keeps a credential field (Password, Secret, Md5Cred...): they are dropped at the framer;
/// - the decoders never trap and their results encode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    // The first byte picks whether the stream starts with the banner, so transcripts of one action fit too.
    let expectingBanner = (bytes.first ?? 0) & 1 == 0
    let limits = AMIFramer.Limits(maxBannerBytes: 256, maxMessageBytes: 16 * 1024, maxFields: 200)

    var whole = AMIFramer(limits: limits, expectingBanner: expectingBanner)
    var wholeFrames: [AMIFrame] = []
    var wholeFailure: AMIFailure?
    do { wholeFrames = try whole.feed(bytes) } catch { wholeFailure = error }

    var chunked = AMIFramer(limits: limits, expectingBanner: expectingBanner)
    var chunkedFrames: [AMIFrame] = []
    var chunkedFailure: AMIFailure?
    for chunk in Fuzz.chunks(bytes) {
        do { chunkedFrames += try chunked.feed(chunk) } catch { chunkedFailure = error; break }
    }
    Fuzz.require(wholeFailure == chunkedFailure, "whole: \(String(describing: wholeFailure)), chunked: \(String(describing: chunkedFailure))")
    if wholeFailure == nil {
        Fuzz.require(wholeFrames == chunkedFrames, "whole and chunked feeding give different frames")
        Fuzz.require(whole.bufferedBytes == chunked.bufferedBytes, "whole and chunked feeding buffer differently")
    } else {
        Fuzz.require(wholeFrames.isEmpty, "frames returned with a failure")
    }

    var endpoints: [AsteriskEndpoint] = [], contacts: [AsteriskContact] = [], aors: [AsteriskAor] = []
    var registrations: [AsteriskOutboundRegistration] = [], channels: [AsteriskDahdiChannel] = []
    var spans: [AsteriskDahdiSpan] = []
    for frame in chunkedFrames {
        guard case .message(let message) = frame else { continue }
        for field in message.fields {
            Fuzz.require(!AMISecretFields.isSecret(field.key), "credential field \(field.key) kept by the framer")
        }
        _ = message.description
        if let endpoint = try? AsteriskEndpoint.decode(message) { endpoints.append(endpoint) }
        if let contact = try? AsteriskContact.decode(message) { contacts.append(contact) }
        if let aor = try? AsteriskAor.decode(message) { aors.append(aor) }
        if let registration = try? AsteriskOutboundRegistration.decode(message) { registrations.append(registration) }
        if let channel = try? AsteriskDahdiChannel.decode(message) { channels.append(channel) }
        if let span = try? AsteriskDahdiSpan.decode(message) { spans.append(span) }
        if let item = try? AsteriskEndpointDetailItem.decode(message) {
            _ = Fuzz.json(AsteriskEndpointDetailItem.assemble([item], name: "fuzz"), "AsteriskEndpointDetail")
        }
        let settings = AsteriskCoreSettings.decode(message)
        _ = DahdiShowStatusSupport.of(asteriskVersion: settings.asteriskVersion)
        _ = AsteriskVersion(settings.asteriskVersion ?? "")
        _ = AMIErrorReplies.failure(for: message, action: "PJSIPShowEndpoints")
        _ = AMIErrorReplies.meansEmptyList(message, action: "PJSIPShowContacts")
    }
    let observation = AsteriskObservation(
        target: "127.0.0.1:5038", endpoints: .ok(endpoints), contacts: .ok(contacts), aors: .ok(aors),
        outboundRegistrations: .ok(registrations), dahdiChannels: .ok(channels), dahdiSpans: .ok(spans))
    _ = Fuzz.json(observation.derivingStaticContacts(), "AsteriskObservation")
    return 0
}
