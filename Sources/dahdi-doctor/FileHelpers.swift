import ArgumentParser
import DoctorCore
import DoctorAgentServer
import DoctorKernel
import DoctorNetwork
import DoctorSystem

func readFile(_ path: String) throws -> String { try FileIO.read(path) }

/// Writes a file or exits 3 with a one-line reason (a failed --save-observation must not look like a diagnosis).
func writeFile(_ path: String, _ text: String) throws {
    do { try FileIO.write(path, text) } catch {
        printError("dahdi-doctor: cannot write \(path): \(error)")
        throw ExitCode(3)
    }
}

extension String {
    /// "dahdi-doctor 0.1.0" -> "dahdi-doctor/0.1.0" (a SIP User-Agent product token).
    func replacingSpace() -> String { String(map { $0 == " " ? "/" : $0 }) }
}
