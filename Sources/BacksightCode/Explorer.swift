/// A function reached from a root, and how deep.
struct ReachedFunction {
    var record: FunctionRecord
    var depth: Int
}

/// Follows a root's direct calls, GOT calls into its own code and callbacks, breadth first,
/// reusing walks of functions several roots share.
struct Explorer {
    let walker: CodeWalker
    private var walked: [UInt64: FunctionRecord] = [:]

    init(walker: CodeWalker) { self.walker = walker }

    mutating func explore(_ root: Root) -> [ReachedFunction] {
        var reached: [ReachedFunction] = []
        var queue: [(address: UInt64, thumb: Bool, depth: Int)] = [(root.address, root.thumb, 0)]
        var seen: Set<UInt64> = []
        var position = 0
        while position < queue.count, reached.count < CodeAnalyzer.functionsPerRoot {
            let (address, thumb, depth) = queue[position]
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
            reached.append(ReachedFunction(record: record, depth: depth))
            guard depth < CodeAnalyzer.callDepth else { continue }
            for call in record.calls {
                switch call.kind {
                case let .local(target, targetThumb): queue.append((target, targetThumb, depth + 1))
                case let .ownGOT(_, target):
                    let isARM = walker.architecture == .arm
                    queue.append((isARM ? target & ~1 : target, isARM ? target & 1 == 1 : thumb, depth + 1))
                default: break
                }
            }
            for callback in record.callbacks { queue.append((callback.address, callback.thumb, depth + 1)) }
        }
        return reached
    }
}
