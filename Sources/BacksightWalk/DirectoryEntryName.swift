import Glibc

/// The name of the entry `readdir` returned, read where it lies.
///
/// glibc's records are as long as their names (`d_reclen`), not `MemoryLayout<dirent>.size`:
/// copying `entry.pointee` to reach `d_name` reads past the last record of the stream's buffer,
/// into the next heap object or an unmapped page (AddressSanitizer: heap-buffer-overflow; once a
/// crash of the walker thread). The kernel ends every name with a NUL inside its record.
public func directoryEntryName(_ entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
    withUnsafeMutablePointer(to: &entry.pointee.d_name) { field in
        let name = UnsafeRawPointer(field).assumingMemoryBound(to: CChar.self)
        return Array(UnsafeRawBufferPointer(start: name, count: strlen(name)))
    }
}
