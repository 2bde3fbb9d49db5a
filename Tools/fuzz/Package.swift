// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser in DoctorCore. A package of its own, so the main `swift build`/`swift test`
// never see `-sanitize=fuzzer`. Sources/DoctorCore is a symbolic link to the real module (../../Sources/DoctorCore):
// a path dependency on the root package would need a library product there and would resolve
// swift-argument-parser, which no fuzz target uses. Build and run with Tools/fuzz/run.
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// One executable per parser family; each defines LLVMFuzzerTestOneInput and links libFuzzer's main.
let fuzzTargets = [
    "fuzz-system-conf", "fuzz-chan-dahdi-conf", "fuzz-pjsip-conf", "fuzz-dahdi-tables", "fuzz-proc-dahdi",
    "fuzz-settings", "fuzz-ami", "fuzz-sip", "fuzz-vendor-pages", "fuzz-agent-http", "fuzz-gateway-http",
    "fuzz-manifest", "fuzz-asterisk-setup", "fuzz-asterisk-console", "fuzz-kernel-modules",
]

let package = Package(
    name: "dahdi-doctor-fuzz",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "DoctorCore", swiftSettings: swiftSettings),
        .target(name: "FuzzSupport", dependencies: ["DoctorCore"], swiftSettings: swiftSettings),
    ] + fuzzTargets.map {
        .executableTarget(name: $0, dependencies: ["DoctorCore", "FuzzSupport"], swiftSettings: swiftSettings)
    },
    swiftLanguageModes: [.v6]
)
