/// What Asterisk's `Response: Error` replies mean. The texts are manager.c's and the modules' own.
public enum AMIErrorReplies {
    /// The failure an error reply stands for:
    /// - `Permission denied` (manager.c, process_message): the AMI user lacks the read/write class;
    /// - `Invalid/unknown command: X. Use Action: ListCommands...` (manager.c): no such action in this Asterisk,
    ///   because it is too old or the module that registers it (chan_dahdi, res_pjsip) is not loaded;
    /// - `Authentication failed` (manager.c, action_login): wrong user or secret; Asterisk then closes;
    /// - anything else is a plain error.
    public static func failure(for reply: AMIMessage, action: String) -> AMIFailure {
        let message = text(of: reply)
        let lowered = message.lowercased()
        let kind: AMIFailure.Kind
        if lowered == "permission denied" {
            kind = .permission
        } else if lowered.hasPrefix("invalid/unknown command") {
            kind = .unsupported
        } else if lowered == "authentication failed" {
            kind = .loginRefused
        } else {
            kind = .error
        }
        return AMIFailure(kind: kind, action: action, message: message.isEmpty ? "Asterisk answered Error" : message)
    }

    /// List actions that answer an error instead of an empty list. The messages carry a trailing `\n` in the source,
    /// the bare-LF quirk the framer tolerates:
    /// - PJSIPShowContacts `No Contacts found` (res_pjsip/pjsip_options.c, ami_show_contacts);
    /// - PJSIPShowEndpoints `No endpoints found` (res_pjsip/pjsip_configuration.c, ami_show_endpoints);
    /// - PJSIPShowAors `No AORs found` (res_pjsip/location.c, ami_show_aors);
    /// - PJSIPShowAuths `No Auths found` (res_pjsip/config_auth.c, ami_show_auths).
    public static let emptyListReplies: [String: String] = [
        "pjsipshowcontacts": "no contacts found",
        "pjsipshowendpoints": "no endpoints found",
        "pjsipshowaors": "no aors found",
        "pjsipshowauths": "no auths found",
    ]

    public static func meansEmptyList(_ reply: AMIMessage, action: String) -> Bool {
        guard reply.isError, let expected = emptyListReplies[action.lowercased()] else { return false }
        return text(of: reply).lowercased() == expected
    }

    /// The reply's `Message`, trimmed (the quirk's trailing LF is already gone; spaces may remain).
    static func text(of reply: AMIMessage) -> String {
        String((reply.message ?? "").trimmingWhitespace())
    }
}
