import BacksightELF

/// Finds the calls to chosen functions anywhere in an object's code, with a cheap scan of the
/// code bytes for each architecture's direct call encodings (and GOT-indirect ones), then walks
/// the function holding each site up to the call to recover its arguments.
///
/// A callee is named by its import (a PLT stub or GOT slot bound to the name) or, in a static
/// executable, by the local function that carries the name: its symbol, or the system call its
/// few instructions make (`localNames`).
struct CallSiteSearch {
    let image: ObjectImage
    let walker: CodeWalker
    /// The imports the branches reach, resolved on first use and shared by every copy of the search.
    private let branchCache = BranchCache()

    private final class BranchCache {
        /// Per branch, the import it reaches through a PLT stub or a GOT slot (an index into
        /// `imports`), or -1; filled by the first search.
        var importOfBranch: [Int32]?
        var imports: [String] = []
    }

    /// The imports the branches reach, resolved once for every search: a PLT stub is named by
    /// the first branch (in code order) that reaches it.
    private var branchImports: (ofBranch: [Int32], names: [String]) {
        if let known = branchCache.importOfBranch { return (known, branchCache.imports) }
        let branches = self.branches
        let slotSymbols = image.slotSymbols
        var names: [String] = []
        var numbers: [String: Int32] = [:]
        func number(_ name: String) -> Int32 {
            if let known = numbers[name] { return known }
            let next = Int32(names.count)
            names.append(name)
            numbers[name] = next
            return next
        }
        var stubImports: [UInt64: Int32] = [:]
        var ofBranch = [Int32](repeating: -1, count: branches.count)
        for (index, branch) in branches.enumerated() {
            switch branch.kind {
            case .call, .jump:
                guard image.isPLT(branch.target) else { continue }
                if let known = stubImports[branch.target] {
                    ofBranch[index] = known
                    continue
                }
                var found: Int32 = -1
                if case let .imported(name, _) = walker.stubTarget(branch.target, thumb: branch.targetThumb) { found = number(name) }
                stubImports[branch.target] = found
                ofBranch[index] = found
            case .slot, .gpLoad, .gpLoadToT9:
                if let name = slotSymbols[branch.target] { ofBranch[index] = number(name) }
            }
        }
        branchCache.importOfBranch = ofBranch
        branchCache.imports = names
        return (ofBranch, names)
    }

    /// The code's branches, scanned once per image.
    private var branches: [BranchIndex.Branch] { image.branchIndex.branches }

    /// One call found: where, and to which of the chosen names.
    struct Site {
        var address: UInt64
        var thumb: Bool
        var callee: String
    }

    /// Call sites of `names` (imports) and of the local functions in `localNames`, at most `limit`.
    func sites(calling names: Set<String>, localNames: [UInt64: String] = [:], limit: Int) -> [Site] {
        guard limit > 0 else { return [] }
        let branches = self.branches
        let (importOfBranch, imports) = branchImports
        let wanted = imports.map(names.contains)
        let isStatic = image.model.dynamic.entries.isEmpty
        var sites: [Site] = []
        func found(_ branch: BranchIndex.Branch, _ name: String) -> Bool {
            sites.append(Site(address: branch.site, thumb: branch.siteThumb, callee: name))
            return sites.count < limit
        }
        for (index, branch) in branches.enumerated() {
            let reached = importOfBranch[index]
            switch branch.kind {
            case .call, .jump:
                if !localNames.isEmpty, let local = localNames[branch.target] {
                    guard found(branch, local) else { return sites }
                } else if reached >= 0, wanted[Int(reached)] {
                    guard found(branch, imports[Int(reached)]) else { return sites }
                }
            case .slot:
                if reached >= 0, wanted[Int(reached)] {
                    guard found(branch, imports[Int(reached)]) else { return sites }
                }
            case .gpLoad, .gpLoadToT9:
                if reached >= 0, wanted[Int(reached)] {
                    guard found(branch, imports[Int(reached)]) else { return sites }
                    continue
                }
                // A static executable's GOT holds its own functions' addresses, unrelocated.
                guard isStatic, branch.kind == .gpLoadToT9,
                      let word = image.readUnsigned(at: branch.target, width: image.architecture.wordSize) else { continue }
                if !localNames.isEmpty, let local = localNames[word] {
                    guard found(branch, local) else { return sites }
                } else if image.isPLT(word),
                          case let .imported(name, _) = walker.stubTarget(word, thumb: false), names.contains(name) {
                    guard found(branch, name) else { return sites }
                }
            }
        }
        return sites
    }

    /// Walks the function holding `site` up to just past it: the calls made at the site (or in
    /// the few instructions after it, where MIPS calls through the register it loaded), and the
    /// walk itself.
    func calls(at site: Site) -> (calls: [CallSite], record: FunctionRecord)? {
        guard walker.budget > 0, let start = functionStart(for: site.address, thumb: site.thumb) else { return nil }
        let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
        let record = walker.walk(start: start.address, thumb: start.thumb, name: name, stopAfter: site.address &+ 16)
        return (record.calls.filter { $0.site.address >= site.address && $0.site.address <= site.address &+ 16 }, record)
    }

    /// Where to start walking to reach `site`: its function symbol, else the code block that
    /// leads to it in a window before it (a stripped object).
    func functionStart(for site: UInt64, thumb: Bool) -> (address: UInt64, thumb: Bool)? {
        let isARM = image.architecture == .arm
        if let symbol = image.symbol(containing: site), symbol.type == "FUNC" {
            return (isARM ? symbol.value & ~1 : symbol.value, isARM && symbol.value & 1 == 1)
        }
        guard let section = image.section(at: site) else { return nil }
        if image.architecture.isX86 {
            return walker.synchronizedStart(before: site, distance: 96).map { (walker.blockStart(from: $0, to: site, thumb: false), false) }
        }
        let window: UInt64 = 256
        let alignment = UInt64(image.architecture.instructionAlignment(thumb: thumb))
        let start = max(section.address, site >= window ? site - window : 0)
        let aligned = (start + alignment - 1) / alignment * alignment
        return (walker.blockStart(from: aligned, to: site, thumb: thumb), thumb)
    }

    /// Direct call targets in executable code (x86 `call`, AArch64 `bl`, ARM `bl`/`blx`, MIPS
    /// `jal`): where functions of a stripped object start. The byte scan also reads calls out of
    /// the middle of other instructions; a target counts when the compiler's function alignment
    /// holds for it (16 bytes on x86, 4 elsewhere) or two calls reach it.
    func directCallTargets(limit: Int) -> Set<UInt64> {
        // In code order, the targets of calls (a call's lies in code already: ``BranchIndex``
        // keeps no other).
        var targets: [UInt64] = []
        for branch in branches where branch.kind == .call || branch.kind == .gpLoadToT9 {
            var target = branch.target
            if branch.kind == .gpLoadToT9 {
                // A static MIPS executable's GOT holds its own functions' addresses, unrelocated.
                guard image.model.dynamic.entries.isEmpty, let word = image.readUnsigned(at: target, width: image.architecture.wordSize),
                      image.isExecutable(word) else { continue }
                target = word
            }
            targets.append(target)
        }
        // Sorted, equal targets lie side by side and count their calls without a dictionary.
        var sorted = targets.sorted()
        func runs() -> [(target: UInt64, count: Int)] {
            var counted: [(target: UInt64, count: Int)] = []
            var index = 0
            while index < sorted.count {
                var end = index + 1
                while end < sorted.count, sorted[end] == sorted[index] { end += 1 }
                counted.append((sorted[index], end - index))
                index = end
            }
            return counted
        }
        var counted = runs()
        if counted.count > limit {
            // Only the calls up to the one that brings the `limit`-th distinct target count.
            var seen = Set<UInt64>()
            let cut = targets.firstIndex { seen.insert($0).inserted && seen.count == limit } ?? targets.count - 1
            sorted = targets[...cut].sorted()
            counted = runs()
        }
        let alignment: UInt64 = image.architecture.isX86 ? 16 : 4
        var starts = Set<UInt64>()
        for (target, count) in counted where target % alignment == 0 || count >= 2 || startsWithPrologue(target) { starts.insert(target) }
        return starts
    }

    /// Direct calls and jumps whose target lies in the object's own code (not a PLT stub), in
    /// site order, at most `limit`: the edges from each function to its local callees, as far as
    /// the encodings show them (calls through registers or, on MIPS, the GOT are not among them).
    func directBranches(limit: Int) -> [(site: UInt64, target: UInt64)] {
        var found: [(site: UInt64, target: UInt64)] = []
        for branch in branches where (branch.kind == .call || branch.kind == .jump) && !image.isPLT(branch.target) {
            guard found.count < limit else { break }
            found.append((branch.site, branch.target))
        }
        return found.sorted { $0.site < $1.site }
    }

    /// Whether the code at `address` opens a stack frame the way compilers do (`push rbp`,
    /// `endbr64`, `sub rsp`; Thumb `push {…, lr}`; ARM `push`; MIPS `addiu sp, sp, -n` or `lui gp`):
    /// an unaligned function start (`-O0`) reached by one call.
    private func startsWithPrologue(_ address: UInt64) -> Bool {
        let bytes = image.bytes(at: address, count: 4)
        guard bytes.count == 4 else { return false }
        switch image.architecture {
        case .x86_64, .i386:
            return bytes[0] == 0x55 || bytes[0] == 0x53 || (bytes[0] == 0x41 && bytes[1] & 0xf0 == 0x50)
                || (bytes[0] == 0xf3 && bytes[1] == 0x0f && bytes[2] == 0x1e) || (bytes[0] == 0x48 && bytes[1] == 0x83 && bytes[2] == 0xec)
        case .arm:
            return bytes[1] == 0xb5 || (bytes[3] == 0xe9 && bytes[2] == 0x2d) || (bytes[0] == 0x2d && bytes[1] == 0xe9)
        case .aarch64:
            return bytes[3] == 0xa9 && bytes[2] & 0xc0 == 0x80 || bytes[3] == 0xd1 && bytes[0] & 0x1f == 0x1f
        case .mips:
            let word = image.architecture.isBigEndian
                ? UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
                : UInt32(bytes[3]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[0])
            return word >> 16 == 0x27bd || word >> 16 == 0x3c1c
        }
    }
}
