/// One section header, with the Shannon entropy of its bytes in the file when the model was asked for it.
public struct ELFSection: Sendable, Hashable, Codable {
    public var index: Int
    public var name: String
    /// `SHT_*` without the prefix (`PROGBITS`, `NOBITS`, `DYNSYM`, …) or the number in hex.
    public var type: String
    public var typeNumber: UInt32
    public var flags: UInt64
    public var address: UInt64
    public var offset: UInt64
    public var size: UInt64
    public var link: UInt32
    public var info: UInt32
    public var entrySize: UInt64
    /// Bits per byte, 0...8, over the bytes the section occupies in the file (0 for `NOBITS`);
    /// nil when the model was built without ``ELFModelParts/sectionEntropy``.
    public var entropy: Double?

    public var isWritable: Bool { flags & 0x1 != 0 }
    public var isAllocated: Bool { flags & 0x2 != 0 }
    public var isExecutable: Bool { flags & 0x4 != 0 }
    /// Whether the section's bytes are in the file (everything but `NOBITS`).
    public var hasFileBytes: Bool { typeNumber != 8 }

    /// The entropy of the section's bytes in `file` (the bytes the model was built from), cut
    /// at the end of the file; 0 for `NOBITS` and empty sections.
    public func entropy(in file: UnsafeRawBufferPointer) -> Double {
        guard hasFileBytes, size > 0 else { return 0 }
        return shannonEntropy(ByteView(bytes: file, bigEndian: false).slice(offset: offset, length: size))
    }

    /// Whether `address` lies inside the section's memory image.
    public func contains(address target: UInt64) -> Bool {
        isAllocated && target >= address && target - address < size
    }
}

/// One program header.
public struct ELFSegment: Sendable, Hashable, Codable {
    /// `PT_*` without the prefix (`LOAD`, `DYNAMIC`, `GNU_STACK`, …) or the number in hex.
    public var type: String
    public var typeNumber: UInt32
    /// `PF_R`/`PF_W`/`PF_X` as a string such as `R-X`.
    public var permissions: String
    public var flags: UInt32
    public var offset: UInt64
    public var virtualAddress: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64

    public var isReadable: Bool { flags & 0x4 != 0 }
    public var isWritable: Bool { flags & 0x2 != 0 }
    public var isExecutable: Bool { flags & 0x1 != 0 }
    /// Writable and executable at once.
    public var isRWX: Bool { isWritable && isExecutable }
}
