extension Duration {
    /// The duration as fractional seconds, for deadlines and timings kept as `Double`.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
