/// A function reached from a root, how deep, and through which calls.
struct ReachedFunction {
    var record: FunctionRecord
    var depth: Int
    /// The root's name, then each call that leads here from it: `callee (called at 0x…)`.
    var route: [String]
}

/// Follows a root's direct calls, GOT calls into its own code and callbacks, breadth first,
/// reusing walks of functions several roots share.
struct Explorer {
    let walker: CodeWalker
    private var walked: [UInt64: FunctionRecord] = [:]

    init(walker: CodeWalker) { self.walker = walker }

    mutating func explore(_ root: Root) -> [ReachedFunction] {
        var reached: [ReachedFunction] = []
        var queue: [(address: UInt64, thumb: Bool, depth: Int, route: [String])] = [(root.address, root.thumb, 0, [root.name])]
        var seen: Set<UInt64> = []
        var position = 0
        while position < queue.count, reached.count < CodeAnalyzer.functionsPerRoot {
            let (address, thumb, depth, route) = queue[position]
            position += 1
            guard seen.insert(address).inserted else { continue }
            let record: FunctionRecord
            if let known = walked[address] {
                record = known
            } else {
                guard walker.budget > 0 else { break }
                let name = depth == 0 ? root.name : walker.image.function(at: address)?.name ?? "sub_\(String(address, radix: 16))"
                record = walker.walk(start: address, thumb: thumb, name: name)
                walked[address] = record
            }
            reached.append(ReachedFunction(record: record, depth: depth, route: route))
            guard depth < CodeAnalyzer.callDepth else { continue }
            func step(_ target: UInt64, at site: UInt64, _ how: String) -> [String] {
                let name = walker.image.function(at: target)?.name ?? "sub_\(String(target, radix: 16))"
                return route + ["\(name) (\(how) at 0x\(String(site, radix: 16)))"]
            }
            for call in record.calls {
                switch call.kind {
                case let .local(target, targetThumb): queue.append((target, targetThumb, depth + 1, step(target, at: call.site.address, "called")))
                case let .ownGOT(_, target):
                    let isARM = walker.architecture == .arm
                    let start = isARM ? target & ~1 : target
                    queue.append((start, isARM ? target & 1 == 1 : thumb, depth + 1, step(start, at: call.site.address, "called through its GOT slot")))
                default: break
                }
            }
            for callback in record.callbacks {
                queue.append((callback.address, callback.thumb, depth + 1, step(callback.address, at: callback.site.address, "handed out as a callback")))
            }
        }
        return reached
    }
}
