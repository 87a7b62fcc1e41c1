import BacksightELF

/// What the calls inside each function of an object can do, from the byte scan of call sites:
/// whether a function reads input or grants something (runs a command, changes user, checks a
/// password), without walking it.
///
/// The magic-string analysis needs both in a function or its direct callees before it can say
/// anything; a function whose own calls and whose callees' extents hold neither role is not
/// worth summarising callee by callee. A function's extent is its symbol's size, else up to the
/// next known function start (at most ``maximumExtent`` bytes).
struct CallRoleIndex {
    struct Roles: OptionSet {
        let rawValue: UInt8
        static let input = Roles(rawValue: 1)
        static let grant = Roles(rawValue: 2)
        static let both: Roles = [.input, .grant]
    }

    static let maximumExtent: UInt64 = 16384

    private let image: ObjectImage
    /// Call sites of the chosen names, in address order.
    private let sites: [(address: UInt64, roles: Roles)]
    /// Known function starts, in address order.
    private let starts: [UInt64]

    /// Direct calls and jumps into the object's own code, in site order; nil where the
    /// encodings do not show every local call (MIPS calls its own functions through the GOT).
    private let branches: [(site: UInt64, target: UInt64)]?

    /// Nil when a scan stopped at its limit: the index would then be incomplete.
    init?(search: CallSiteSearch, names: [String: Roles], localNames: [UInt64: String], starts: [UInt64], limit: Int) {
        let found = search.sites(calling: Set(names.keys), localNames: localNames.filter { names[$0.value] != nil }, limit: limit)
        guard found.count < limit else { return nil }
        image = search.image
        sites = found.compactMap { site in names[site.callee].map { (site.address, $0) } }.sorted { $0.address < $1.address }
        self.starts = starts
        if image.architecture.isMIPS {
            branches = nil
        } else {
            let branchLimit = 1 << 20
            let found = search.directBranches(limit: branchLimit)
            branches = found.count < branchLimit ? found : nil
        }
    }

    /// Where the function at `start` ends: its symbol's end, else the next known start.
    private func end(ofFunctionAt start: UInt64) -> UInt64 {
        if let size = image.function(at: start)?.size, size > 0, start <= UInt64.max - size { return start + size }
        let next = starts.countOfPrefix { $0 <= start }
        let limit = start > UInt64.max - Self.maximumExtent ? UInt64.max : start + Self.maximumExtent
        return next < starts.count ? min(starts[next], limit) : limit
    }

    /// The roles of the calls between `start` and the end of the function it starts.
    func roles(ofFunctionAt start: UInt64) -> Roles {
        let end = end(ofFunctionAt: start)
        var roles: Roles = []
        var index = sites.countOfPrefix { $0.address < start }
        while index < sites.count, sites[index].address < end, roles != .both {
            roles.formUnion(sites[index].roles)
            index += 1
        }
        return roles
    }

    /// The roles of the function at `start` and of the local functions it calls or jumps to
    /// directly, before walking any of them; `.both` when the encodings cannot tell.
    func rolesWithCallees(ofFunctionAt start: UInt64) -> Roles {
        guard let branches else { return .both }
        var roles = roles(ofFunctionAt: start)
        let end = end(ofFunctionAt: start)
        var index = branches.countOfPrefix { $0.site < start }
        while index < branches.count, branches[index].site < end, roles != .both {
            let target = branches[index].target
            if target < start || target >= end { roles.formUnion(self.roles(ofFunctionAt: target)) }
            index += 1
        }
        return roles
    }
}
