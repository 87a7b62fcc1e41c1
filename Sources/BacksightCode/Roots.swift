import BacksightELF

/// A function the analysis starts from.
struct Root {
    var role: FunctionRole
    var address: UInt64
    var thumb: Bool
    var name: String
    /// Where it was found: `IFUNC crc32_fast`, `.init_array[1]`, `DT_INIT`, `export pam_sm_authenticate`.
    var source: String
    var codeSize: UInt64
}

/// The roots of one file: resolvers, authentication entry points, constructors.
struct Roots {
    /// Roots one file may have at most (libc has a few hundred resolvers; a hostile file could
    /// declare millions).
    static let limit = 1024

    private(set) var all: [Root] = []

    var isEmpty: Bool { all.isEmpty }

    init(model: ELFModel, request: CodeAnalysisRequest = .all) {
        let isARM = model.header.machineNumber == 40
        var seen: Set<UInt64> = []
        for resolver in model.resolvers.prefix(Self.limit) where request.contains(.resolvers) && resolver.fileOffset != nil
            && seen.insert(resolver.address).inserted {
            let source = resolver.ifuncSymbols.first.map { "IFUNC \($0)" } ?? "IRELATIVE relocation"
            all.append(Root(role: .resolver, address: resolver.address, thumb: resolver.isThumb, name: resolver.displayName,
                            source: source, codeSize: resolver.codeSize))
        }
        var constructors: [(UInt64, String)] = []
        if request.contains(.constructors), let initFunction = model.dynamic.initFunction { constructors.append((initFunction, "DT_INIT")) }
        for (index, entry) in model.dynamic.initArray.enumerated() where request.contains(.constructors) { constructors.append((entry, ".init_array[\(index)]")) }
        constructors = Array(constructors.prefix(64))
        // One pass over the symbols: authentication entry points, and the names of constructors.
        let wanted = Set(constructors.map { isARM ? $0.0 & ~1 : $0.0 })
        var names: [UInt64: ELFSymbol] = [:]
        let wantsEntryPoints = request.contains(.entryPoints)
        guard wantsEntryPoints || !constructors.isEmpty else { return }
        for symbol in model.symbols where symbol.type == "FUNC" && !symbol.isUndefined && !symbol.name.isEmpty {
            let address = isARM ? symbol.value & ~1 : symbol.value
            if wantsEntryPoints, all.count < Self.limit, symbol.isExport, KnownSymbols.authenticationEntryPoints.contains(symbol.name),
               seen.insert(address).inserted {
                all.append(Root(role: .entryPoint, address: address, thumb: isARM && symbol.value & 1 == 1, name: symbol.name,
                                source: "export \(symbol.name)", codeSize: symbol.size))
            }
            if wanted.contains(address), names[address].map({ $0.table == .dynsym && symbol.table == .symtab }) ?? true {
                names[address] = symbol
            }
        }
        for (raw, source) in constructors where all.count < Self.limit {
            let address = isARM ? raw & ~1 : raw
            guard address != 0, seen.insert(address).inserted else { continue }
            let symbol = names[address]
            all.append(Root(role: .constructor, address: address, thumb: isARM && raw & 1 == 1,
                            name: symbol?.name ?? "constructor at 0x\(String(address, radix: 16))", source: source,
                            codeSize: symbol?.size ?? 0))
        }
    }
}
