import ArgumentParser
import DoctorCore

/// The exit codes of the inventory commands (README, "Exit codes"); sysexits(3) values where one fits.
enum InventoryExit {
    static let unavailable: Int32 = 69   // EX_UNAVAILABLE: DAHDI not loaded, no control device, no devices, no spans
    static let noPermission: Int32 = 77  // EX_NOPERM: /dev/dahdi/ctl exists but cannot be opened

    static func code(for status: InventoryStatus.Code) -> Int32 {
        switch status {
        case .ok: return 0
        case .permissionDenied: return noPermission
        case .driverNotLoaded, .controlDeviceMissing, .controlDeviceError, .noDevices, .spansNotAssigned: return unavailable
        }
    }
}
