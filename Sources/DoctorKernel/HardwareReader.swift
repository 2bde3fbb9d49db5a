import CLibUSB
import CUdev
import DoctorCore
import DoctorSystem

/// Reads the PCI and USB buses for telephony hardware, read-only: PCI through libudev (vendor, device and subsystem
/// IDs, the bound driver), USB through libusb (the device list and descriptors libusb already caches; no device is
/// opened) plus, through libudev, the driver bound to each unit's first interface and its serial attribute.
/// Under a fixture root (`--sysfs-root` other than /sys) both buses are read as plain sysfs directories instead,
/// the way dahdi-tools' hardware scan does.
public struct HardwareReader: Sendable {
    public var sysfsRoot: String

    public init(sysfsRoot: String = "/sys") { self.sysfsRoot = sysfsRoot }

    public func read(dahdiDevices: [String]) -> HardwareObservation {
        let pci: [PCIDeviceRecord]?, pciSource: SourceStatus
        let usb: [USBDeviceRecord]?, usbSource: SourceStatus
        if sysfsRoot == "/sys" {
            (pci, pciSource) = Self.pciThroughUdev()
            (usb, usbSource) = Self.usbThroughLibusb()
        } else {
            (pci, pciSource) = pciFromDirectory()
            (usb, usbSource) = usbFromDirectory()
        }
        return HardwareObservation.build(pci: pci, pciSource: pciSource, usb: usb, usbSource: usbSource, dahdiDevices: dahdiDevices)
    }

    // MARK: - PCI through libudev

    static func pciThroughUdev() -> ([PCIDeviceRecord]?, SourceStatus) {
        guard let udev = udev_new() else {
            return (nil, SourceStatus(name: "pci", available: false, detail: "libudev: udev_new failed"))
        }
        defer { udev_unref(udev) }
        var records: [PCIDeviceRecord] = []
        forEachDevice(udev, subsystem: "pci") { device in
            let name = String(cString: udev_device_get_sysname(device))
            guard let vendor = idAttribute(device, "vendor"), let product = idAttribute(device, "device") else { return }
            records.append(PCIDeviceRecord(address: name, vendor: vendor, device: product,
                                           subVendor: idAttribute(device, "subsystem_vendor"),
                                           subDevice: idAttribute(device, "subsystem_device"),
                                           driver: udev_device_get_driver(device).map { String(cString: $0) }))
        }
        return (records, SourceStatus(name: "pci", available: true, detail: "libudev, \(records.count) PCI device(s)"))
    }

    // MARK: - USB through libusb

    /// The identity of every USB device from libusb. libusb is asked only for what it reads without opening a
    /// device (the cached device descriptor, bus, address, port numbers); the serial and the bound driver are sysfs
    /// attributes, read through libudev.
    static func usbThroughLibusb() -> ([USBDeviceRecord]?, SourceStatus) {
        var context: OpaquePointer?
        let status = libusb_init(&context)
        guard status == 0, let context else {
            return (nil, SourceStatus(name: "usb", available: false, detail: "libusb_init: \(usbErrorName(status))"))
        }
        defer { libusb_exit(context) }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else {
            return (nil, SourceStatus(name: "usb", available: false, detail: "libusb_get_device_list: \(usbErrorName(Int32(count)))"))
        }
        defer { libusb_free_device_list(list, 1) }
        let sysfs = usbSysfsFacts()
        var records: [USBDeviceRecord] = []
        for index in 0..<Int(count) {
            guard let device = list[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &descriptor) == 0 else { continue }
            let bus = Int(libusb_get_bus_number(device))
            var ports = [UInt8](repeating: 0, count: 8)
            let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
            // sysfs names a device "<bus>-<port>[.<port>...]"; root hubs ("usbN") have no port numbers.
            let portPath: String? = depth > 0 ? "\(bus)-" + ports.prefix(Int(depth)).map(String.init).joined(separator: ".") : nil
            let facts = portPath.flatMap { sysfs[$0] }
            records.append(USBDeviceRecord(bus: bus, address: Int(libusb_get_device_address(device)), portPath: portPath,
                                           vendor: descriptor.idVendor, product: descriptor.idProduct,
                                           serial: facts?.serial, driver: portPath.flatMap { sysfs[$0 + ":1.0"]?.driver }))
        }
        return (records, SourceStatus(name: "usb", available: true, detail: "libusb, \(records.count) USB device(s)"))
    }

    static func usbErrorName(_ code: Int32) -> String {
        libusb_error_name(code).map { String(cString: $0) } ?? "error \(code)"
    }

    /// sysname -> (serial, driver) for USB devices and interfaces, through libudev.
    static func usbSysfsFacts() -> [String: (serial: String?, driver: String?)] {
        guard let udev = udev_new() else { return [:] }
        defer { udev_unref(udev) }
        var facts: [String: (serial: String?, driver: String?)] = [:]
        forEachDevice(udev, subsystem: "usb") { device in
            let name = String(cString: udev_device_get_sysname(device))
            facts[name] = (udev_device_get_sysattr_value(device, "serial").map { String(cString: $0) },
                           udev_device_get_driver(device).map { String(cString: $0) })
        }
        return facts
    }

    /// Every device of a subsystem, as libudev enumerates it (the sysfs readers use it too).
    static func forEachDevice(_ udev: OpaquePointer, subsystem: String, _ body: (OpaquePointer) -> Void) {
        guard let enumerate = udev_enumerate_new(udev) else { return }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, subsystem)
        udev_enumerate_scan_devices(enumerate)
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            defer { entry = udev_list_entry_get_next(current) }
            guard let syspath = udev_list_entry_get_name(current),
                  let device = udev_device_new_from_syspath(udev, syspath) else { continue }
            defer { udev_device_unref(device) }
            body(device)
        }
    }

    /// A sysfs ID attribute ("0xd161") as a number.
    static func idAttribute(_ device: OpaquePointer, _ name: String) -> UInt16? {
        udev_device_get_sysattr_value(device, name).flatMap { HardwareReader.parseHexID(String(cString: $0)) }
    }

    static func parseHexID(_ text: String) -> UInt16? {
        var digits = Substring(text.filter { !$0.isWhitespace })
        if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard (1...4).contains(digits.count) else { return nil }
        return UInt16(digits, radix: 16)
    }

    // MARK: - Plain directories (fixture roots)

    func attribute(_ path: String, _ name: String) -> String? {
        (try? system_readSmallFile(joinPath(path, name)).get()).map { $0.trimmingNewlines() }
    }

    func driverName(_ path: String) -> String? {
        system_readLink(joinPath(path, "driver")).flatMap { $0.split(separator: "/").last.map(String.init) }
    }

    func pciFromDirectory() -> ([PCIDeviceRecord]?, SourceStatus) {
        let directory = joinPath(sysfsRoot, "bus/pci/devices")
        guard case .success(let names) = system_listDirectory(directory) else {
            return (nil, SourceStatus(name: "pci", available: false, detail: "\(directory) cannot be read"))
        }
        let records = names.sorted().compactMap { name -> PCIDeviceRecord? in
            let path = joinPath(directory, name)
            guard let vendor = attribute(path, "vendor").flatMap(Self.parseHexID),
                  let device = attribute(path, "device").flatMap(Self.parseHexID) else { return nil }
            return PCIDeviceRecord(address: name, vendor: vendor, device: device,
                                   subVendor: attribute(path, "subsystem_vendor").flatMap(Self.parseHexID),
                                   subDevice: attribute(path, "subsystem_device").flatMap(Self.parseHexID),
                                   driver: driverName(path))
        }
        return (records, SourceStatus(name: "pci", available: true, detail: "\(directory), \(records.count) PCI device(s)"))
    }

    func usbFromDirectory() -> ([USBDeviceRecord]?, SourceStatus) {
        let directory = joinPath(sysfsRoot, "bus/usb/devices")
        guard case .success(let names) = system_listDirectory(directory) else {
            return (nil, SourceStatus(name: "usb", available: false, detail: "\(directory) cannot be read"))
        }
        let records = names.sorted().filter { !$0.contains(":") }.compactMap { name -> USBDeviceRecord? in
            let path = joinPath(directory, name)
            guard let vendor = attribute(path, "idVendor").flatMap(Self.parseHexID),
                  let product = attribute(path, "idProduct").flatMap(Self.parseHexID),
                  let bus = attribute(path, "busnum").flatMap({ Int($0) }),
                  let address = attribute(path, "devnum").flatMap({ Int($0) }) else { return nil }
            return USBDeviceRecord(bus: bus, address: address, portPath: name.hasPrefix("usb") ? nil : name,
                                   vendor: vendor, product: product, serial: attribute(path, "serial"),
                                   driver: driverName(joinPath(directory, name + ":1.0")))
        }
        return (records, SourceStatus(name: "usb", available: true, detail: "\(directory), \(records.count) USB device(s)"))
    }
}

extension String {
    func trimmingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
