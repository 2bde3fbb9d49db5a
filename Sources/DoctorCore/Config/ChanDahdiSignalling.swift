/// chan_dahdi's `signalling=` values and the SIG_* numbers they set (channels/chan_dahdi.c `process_dahdi`,
/// channels/chan_dahdi.h). The low 20 bits of a SIG_* value are the DAHDI signalling the kernel channel must be
/// configured with; the bits above are chan_dahdi's own variants (wink, Feature Group D, BRI...).
public enum ChanDahdiSignalling {
    static let em: UInt32 = 0x40, sf: UInt32 = 0x4000, clear: UInt32 = 0x80

    /// nil for `auto`: chan_dahdi then takes whatever DAHDI has configured.
    static let values: [String: UInt32?] = [
        "em": em, "em_e1": 0x20000, "em_w": 0x100000 | em,
        "fxs_ls": 0x2001, "fxs_gs": 0x2002, "fxs_ks": 0x2004,
        "fxo_ls": 0x1008, "fxo_gs": 0x1010, "fxo_ks": 0x1020,
        // Radio variants reuse analog signalling; the pairings are chan_dahdi's, odd as some look.
        "fxs_rx": 0x2004, "fxo_rx": 0x1008, "fxs_tx": 0x2001, "fxo_tx": 0x1010,
        "em_rx": em, "em_tx": em, "em_rxtx": em, "em_txrx": em,
        "sf": sf, "sf_w": 0x100000 | sf, "sf_featb": 0x800000 | sf,
        "sf_rx": sf, "sf_tx": sf, "sf_rxtx": sf, "sf_txrx": sf,
        // chan_dahdi maps these two to the E&M-based SIG_FEATD/SIG_FEATDMF, not to the SF variants.
        "sf_featd": 0x200000 | em, "sf_featdmf": 0x400000 | em,
        "featd": 0x200000 | em, "featdmf": 0x400000 | em, "featdmf_ta": 0x2000000 | em, "e911": 0x1000000 | em,
        "fgccama": 0x4000000 | em, "fgccamamf": 0x8000000 | em, "featb": 0x800000 | em,
        "pri_net": clear, "pri_cpe": clear, "bri_cpe": 0x2000000 | clear, "bri_net": 0x2000000 | clear,
        "bri_cpe_ptmp": 0x4000000 | clear, "bri_net_ptmp": 0x4000000 | clear, "ss7": 0x1000000 | clear,
        "mfcr2": 0x8000,
        "auto": nil,
    ]

    /// `outsignalling=` accepts only these.
    static let outValues: Set<String> = [
        "em", "em_e1", "em_w", "sf", "sf_w", "sf_featd", "sf_featdmf", "sf_featb", "featd", "featdmf", "featdmf_ta",
        "e911", "fgccama", "fgccamamf", "featb",
    ]

    /// The DAHDI signalling a chan_dahdi SIG_* value needs from the kernel channel.
    public static func expectedSignalling(chanDahdiSig: UInt32) -> Signalling {
        Signalling(rawValue: chanDahdiSig & 0xFFFFF)
    }
}
