/// One entry of the dynamic section.
public struct DynamicEntry: Sendable, Hashable, Codable {
    /// `DT_*` without the prefix (`NEEDED`, `SONAME`, `INIT_ARRAY`, …) or the number in hex.
    public var tag: String
    public var tagNumber: Int64
    public var value: UInt64
    /// The string a string-valued tag names (`NEEDED`, `SONAME`, `RPATH`, `RUNPATH`, `AUDIT`, …).
    public var string: String?
}

/// The dynamic section, decoded: what the dynamic loader does with this object.
public struct DynamicInfo: Sendable, Hashable, Codable {
    /// Every entry up to and including the first `DT_NULL`.
    public var entries: [DynamicEntry] = []
    /// Whether a `DT_NULL` ends the entries (a missing one is malformed).
    public var isTerminated = false
    public var needed: [String] = []
    public var soname: String?
    public var rpath: [String] = []
    public var runpath: [String] = []
    /// `DT_AUDIT` and `DT_DEPAUDIT`: audit libraries the loader will load with this object.
    public var audit: [String] = []
    public var depaudit: [String] = []
    public var initFunction: UInt64?
    public var finiFunction: UInt64?
    /// The function addresses `.init_array` / `.fini_array` hold, after relocation.
    public var initArray: [UInt64] = []
    public var finiArray: [UInt64] = []
    public var flags: UInt64 = 0
    public var flags1: UInt64 = 0
    /// `DT_TEXTREL` or `DF_TEXTREL`: the loader must write into code.
    public var hasTextRelocations = false
    /// `DT_BIND_NOW`, `DF_BIND_NOW` or `DF_1_NOW`.
    public var bindsNow = false
}
