/// How the threads of one scan share memory (issue #14: peak RSS under 150 MiB in every case,
/// the kernel package included). A thread reserves in a ``MemoryBudget`` before it reads a
/// large file, and the unpacker reserves the payloads whose decoded size is declared up front
/// (a kernel image's compressed kernel, a `.ko.xz`) and, while each is read and analysed, the
/// members it decodes out of compressed archives, so one thread's large work waits while
/// another's would take the scan over the budget. Small files are not reserved: they go on.
enum ScanMemory {
    /// What the reservations of all threads may add up to. The process takes about 40 MiB
    /// before it reads anything (the libraries mapped, the rules compiled), the threads' small
    /// files a few MiB more; 96 MiB of large work on top stays under 150 MiB. Anything
    /// larger than this still scans, alone (see ``MemoryBudget``).
    static let limit: UInt64 = 96 << 20

    /// Files and decoded payloads of this size or more are reserved (twice their size, so the
    /// smallest reservation is twice this); so large a read buffer is not kept after its file.
    static let largeFile: UInt64 = 1 << 20

    /// A new budget for one scan.
    static func budget() -> MemoryBudget { MemoryBudget(limit: limit, smallest: 2 * largeFile) }

    /// The bytes a thread reserves for a file of `size` bytes read up to `limit`: the bytes
    /// read, and as much again for what is built over them (an ELF model of a large kernel
    /// module, with its relocations and symbols, takes 0.8 to 1 times the file).
    static func reservation(fileSize size: UInt64, readLimit limit: UInt64) -> UInt64 {
        2 * min(size, limit)
    }
}
