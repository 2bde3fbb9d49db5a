// swift-tools-version:6.0
import PackageDescription

// Module layering (one way): DoctorCore (pure Swift, no I/O) <- DoctorSystem (the shared syscall funnel) <- one module
// per outside world: DoctorKernel (kernel, sysfs, local files; CDahdi/CUdev/CLibUSB), DoctorNetwork (sockets, TLS
// through COpenSSL) and DoctorAgentServer (the agent's socket) <- dahdi-doctor (composition root). DoctorCore imports
// no C module and builds without any -dev package.
let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "dahdi-doctor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dahdi-doctor", targets: ["dahdi-doctor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Compiled against Debian's <dahdi/user.h> (package dahdi-source); the header is never copied here.
        .target(name: "CDahdi", path: "Shims/CDahdi", cSettings: [.define("_GNU_SOURCE")]),
        .systemLibrary(name: "CUdev", path: "Shims/CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .systemLibrary(name: "CLibUSB", path: "Shims/CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // The optional TLS of the AMI client and the gateway web client, through the system OpenSSL (certificates
        // verified by default), loaded with dlopen on first use, not linked: headers from libssl-dev; the .deb's
        // Depends names libssl3 explicitly (Tools/package), since dpkg-shlibdeps no longer sees it.
        .target(name: "COpenSSL", path: "Shims/COpenSSL"),
        .target(name: "DoctorCore", swiftSettings: swiftSettings),
        // The syscall funnel every part shares: files, directories, clocks, poll, threads.
        .target(name: "DoctorSystem", dependencies: ["DoctorCore"], swiftSettings: swiftSettings),
        // The kernel and the local files: /dev/dahdi/ctl, sysfs, /proc, libudev/libusb, uevents, config files.
        .target(
            name: "DoctorKernel", dependencies: ["DoctorCore", "DoctorSystem", "CDahdi", "CUdev", "CLibUSB"],
            swiftSettings: swiftSettings),
        // The network: TCP/UDP transport with TLS; the AMI client, the SIP OPTIONS prober, the gateway web client.
        .target(name: "DoctorNetwork", dependencies: ["DoctorCore", "DoctorSystem", "COpenSSL"], swiftSettings: swiftSettings),
        // The agent's own server side: its Unix socket (server and client), source loop, systemd notify, textfile.
        .target(name: "DoctorAgentServer", dependencies: ["DoctorCore", "DoctorSystem"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "dahdi-doctor",
            dependencies: [
                "DoctorCore", "DoctorSystem", "DoctorKernel", "DoctorNetwork", "DoctorAgentServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "DoctorCoreTests", dependencies: ["DoctorCore"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DoctorLinuxTests",
            dependencies: ["DoctorSystem", "DoctorKernel", "DoctorNetwork", "DoctorAgentServer", "DoctorCore", "CDahdi", "dahdi-doctor"],
            exclude: ["Fixtures"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
