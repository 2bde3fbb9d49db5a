// swift-tools-version:6.0
import PackageDescription

// Module layering (one way): CDahdi/CUdev/CLibUSB/COpenSSL (C only) <- DoctorLinux (every syscall) -> DoctorCore
// (pure Swift) <- dahdi-doctor (composition root). DoctorCore imports no C module and builds without any -dev package.
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
        // The AMI client's optional TLS, through the system OpenSSL (certificates verified by default).
        .systemLibrary(name: "COpenSSL", path: "Shims/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "DoctorCore", swiftSettings: swiftSettings),
        .target(name: "DoctorLinux", dependencies: ["DoctorCore", "CDahdi", "CUdev", "CLibUSB", "COpenSSL"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "dahdi-doctor",
            dependencies: ["DoctorCore", "DoctorLinux", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .testTarget(name: "DoctorCoreTests", dependencies: ["DoctorCore"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DoctorLinuxTests", dependencies: ["DoctorLinux", "DoctorCore", "CDahdi", "dahdi-doctor"],
            exclude: ["Fixtures"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
