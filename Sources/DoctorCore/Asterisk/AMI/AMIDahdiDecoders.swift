// Typed decoders for chan_dahdi's list events. No capture exists: the format is channels/chan_dahdi.c's own
// (asterisk/asterisk), read from the source. Both actions are registered with privilege 0 (any logged-in user).

extension AsteriskDahdiChannel {
    /// DAHDIShowChannels `DAHDIShowChannels` event (chan_dahdi.c, action_dahdishowchannels): `DAHDIChannel`,
    /// then `Channel`/`Uniqueid`/`AccountCode` only while a call is up, `Signalling` (sig2str, e.g. "FXO Kewlstart"),
    /// `SignallingCode`, `Context`, `DND` (Enabled/Disabled), `Alarm` (alarm2str: "No Alarm", "Red Alarm"...),
    /// `Description`, and the ActionID last. Pseudo channels (number <= 0) are never listed.
    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskDahdiChannel? {
        guard event.isEvent("DAHDIShowChannels") else { return nil }
        return AsteriskDahdiChannel(
            channel: try event.requiredInt("DAHDIChannel", in: "DAHDIShowChannels", action: "DAHDIShowChannels"),
            signalling: event.text("Signalling"), signallingCode: event.int("SignallingCode"),
            context: event.text("Context"), alarm: event.text("Alarm"), description: event.text("Description"),
            dnd: event.bool("DND"), callChannel: event.text("Channel"))
    }
}

extension AsteriskDahdiSpan {
    /// DAHDIShowStatus `DAHDIShowStatus` event (chan_dahdi.c, action_dahdishowstatus, since 21.3.0/20.8.0/18.23.0):
    /// one per span DAHDI_SPANSTAT answers, with `Span`, `Description`, `Alarms` (build_alarm_info: `OK`,
    /// `UNCONFIGURED`, or `BLU/YEL/RED/LB/REC/NOP` joined by `/`, `UUU` for unknown bits), `IRQ` (irqmisses),
    /// `bpviol`, `CRC` (crc4count), `Framing` (D4/ESF/CCS/CAS), `Coding` (B8ZS/HDB3/AMI/Unk), `Options`
    /// (CRC4, CRC4/YEL, YEL or empty) and `LBO` (lbostr text).
    public static func decode(_ event: AMIMessage) throws(AMIFailure) -> AsteriskDahdiSpan? {
        guard event.isEvent("DAHDIShowStatus") else { return nil }
        return AsteriskDahdiSpan(
            span: try event.requiredInt("Span", in: "DAHDIShowStatus", action: "DAHDIShowStatus"),
            description: event.text("Description"), alarms: event.text("Alarms"), irq: event.int("IRQ"),
            bipolarViolations: event.int("bpviol"), crc: event.int("CRC"), framing: event.text("Framing"),
            coding: event.text("Coding"), options: event.text("Options"), lbo: event.text("LBO"))
    }
}
