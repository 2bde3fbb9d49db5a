import DoctorSystem

/// The few facts about this process and host that the agent command needs, from the shared syscalls.
public enum AgentHost {
    public static func effectiveUID() -> UInt32 { system_agentEffectiveUID() }
    /// A group name or a numeric gid.
    public static func groupID(_ nameOrNumber: String) -> UInt32? { system_agentGroupID(named: nameOrNumber) }
    public static func wallClockSeconds() -> Double { system_wallClockSeconds() }
    public static func monotonicSeconds() -> Double { system_monotonicSeconds() }
}
