import Foundation

/// The text of one rule or symbol-list file and the path errors should name.
public struct RuleSource: Sendable, Hashable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// Every rule of a compiled set, resolved and checked, before a subset is chosen for matching.
struct RuleCatalog: Sendable {
    /// Sorted by id; `RuleReference.index` points into it.
    var rules: [RuleDefinition]
    /// Literal patterns; `Leaf.pattern` points into it.
    var patterns: [PatternSpec]
    var lists: [SymbolList]
    /// For each rule, the rules its `match:` leaves name.
    var dependencies: [[Int]]
}

/// Reads rule and list files and turns them into a ``RuleCatalog``: lists first, then rules,
/// then `match:` references resolved and checked for cycles.
enum RuleCompiler {
    /// Every `*.yaml`/`*.yml` file under `directories` (recursively, sorted by path), or the
    /// path itself when it names a file.
    static func sources(in directories: [String]) throws(RuleCompileError) -> [RuleSource] {
        let manager = FileManager.default
        var paths: [String] = []
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
                throw RuleCompileError(file: directory, line: 1, column: 1, message: "no such rule directory or file")
            }
            guard isDirectory.boolValue else {
                paths.append(directory)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: directory) else {
                throw RuleCompileError(file: directory, line: 1, column: 1, message: "cannot read rule directory")
            }
            let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
                guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
                found.append(base + "/" + relative)
            }
            paths.append(contentsOf: found.sorted())
        }
        var sources: [RuleSource] = []
        for path in paths {
            guard let data = manager.contents(atPath: path) else {
                throw RuleCompileError(file: path, line: 1, column: 1, message: "cannot read file")
            }
            sources.append(RuleSource(path: path, text: String(decoding: data, as: UTF8.self)))
        }
        return sources
    }

    /// Compiles `sources`: files in a directory named `lists` are symbol lists, the rest rules.
    /// Up to `threads` threads read the rule files (their YAML and conditions: most of the work);
    /// the results are then taken in order, so the first error met is the one a reading in order
    /// would meet, and the patterns are numbered as such a reading would number them.
    static func catalog(from sources: [RuleSource], threads: Int = 1) throws(RuleCompileError) -> RuleCatalog {
        var lists: [String: SymbolList] = [:]
        for source in sources where SymbolList.isListFile(source.path) {
            guard let document = try SourceNode.parse(source.text, file: source.path) else {
                throw RuleCompileError(file: source.path, line: 1, column: 1, message: "empty symbol list file")
            }
            let list = try SymbolList.parse(document)
            if let first = lists[list.name] {
                throw document.error("duplicate symbol list '\(list.name)' (first defined in \(first.file))")
            }
            lists[list.name] = list
        }

        let ruleSources = sources.filter { !SymbolList.isListFile($0.path) }
        let readRules = OrderedResults.map(ruleSources, threads: threads) { [lists] source in
            Result { () throws(RuleCompileError) in try readRule(source, lists: lists) }
        }
        var patterns: [PatternSpec] = []
        var definitions: [RuleDefinition] = []
        var firstByID: [String: RuleDefinition] = [:]
        for (source, read) in zip(ruleSources, readRules) {
            var (definition, ownPatterns) = try read.get()
            definition.condition = definition.condition.numberingPatterns(from: patterns.count)
            patterns += ownPatterns
            let id = definition.metadata.id
            if let first = firstByID[id] {
                throw RuleCompileError(
                    file: source.path, line: definition.idLine, column: definition.idColumn,
                    message: "duplicate rule id '\(id)' (first defined in \(first.metadata.file):\(first.idLine):\(first.idColumn))"
                )
            }
            firstByID[id] = definition
            definitions.append(definition)
        }

        definitions.sort { $0.metadata.id < $1.metadata.id }
        var indexByID: [String: Int] = [:]
        for (index, definition) in definitions.enumerated() { indexByID[definition.metadata.id] = index }
        var dependencies: [[Int]] = []
        var firstReference: [[Int: RuleReference]] = []
        for index in definitions.indices {
            var found: [RuleReference] = []
            let file = definitions[index].metadata.file
            definitions[index].condition = try resolve(definitions[index].condition, file: file, indexByID: indexByID, found: &found)
            dependencies.append(Array(Set(found.map(\.index))).sorted())
            var first: [Int: RuleReference] = [:]
            for reference in found where first[reference.index] == nil { first[reference.index] = reference }
            firstReference.append(first)
        }
        try checkCycles(definitions, dependencies: dependencies, firstReference: firstReference)
        return RuleCatalog(
            rules: definitions, patterns: patterns,
            lists: lists.values.sorted { $0.name < $1.name }, dependencies: dependencies
        )
    }

    /// One rule file's definition, and the literal patterns its leaves number from 0.
    private static func readRule(_ source: RuleSource, lists: [String: SymbolList]) throws(RuleCompileError) -> (RuleDefinition, [PatternSpec]) {
        guard let document = try SourceNode.parse(source.text, file: source.path) else {
            throw RuleCompileError(file: source.path, line: 1, column: 1, message: "empty rule file")
        }
        var parser = RuleParser(lists: lists)
        let definition = try parser.parseRule(document)
        return (definition, parser.patterns)
    }

    /// Fills in rule indexes of `match:` leaves; unknown ids are errors.
    private static func resolve(_ condition: Condition, file: String, indexByID: [String: Int],
                                found: inout [RuleReference]) throws(RuleCompileError) -> Condition {
        switch condition {
        case .all(let children, let order):
            var resolved: [Condition] = []
            for child in children { resolved.append(try resolve(child, file: file, indexByID: indexByID, found: &found)) }
            return .all(resolved, order: order)
        case .any(let children):
            var resolved: [Condition] = []
            for child in children { resolved.append(try resolve(child, file: file, indexByID: indexByID, found: &found)) }
            return .any(resolved)
        case .atLeast(let count, let children):
            var resolved: [Condition] = []
            for child in children { resolved.append(try resolve(child, file: file, indexByID: indexByID, found: &found)) }
            return .atLeast(count, resolved)
        case .not(let child):
            return .not(try resolve(child, file: file, indexByID: indexByID, found: &found))
        case .count, .leaf:
            return condition
        case .rule(var reference):
            guard let index = indexByID[reference.id] else {
                throw RuleCompileError(file: file, line: reference.line, column: reference.column,
                                       message: "unknown rule '\(reference.id)' in match")
            }
            reference.index = index
            found.append(reference)
            return .rule(reference)
        }
    }

    /// Rejects `match:` cycles, naming the reference that closes one and the whole loop.
    private static func checkCycles(_ definitions: [RuleDefinition], dependencies: [[Int]],
                                    firstReference: [[Int: RuleReference]]) throws(RuleCompileError) {
        enum Mark { case unvisited, active, done }
        var marks = [Mark](repeating: .unvisited, count: definitions.count)
        var stack: [Int] = []

        func visit(_ rule: Int) throws(RuleCompileError) {
            marks[rule] = .active
            stack.append(rule)
            for next in dependencies[rule] {
                switch marks[next] {
                case .active:
                    let loopStart = stack.lastIndex(of: next) ?? 0
                    let loop = (stack[loopStart...] + [next]).map { definitions[$0].metadata.id }
                    let reference = firstReference[rule][next]
                    throw RuleCompileError(
                        file: definitions[rule].metadata.file, line: reference?.line ?? 1, column: reference?.column ?? 1,
                        message: "rule cycle: \(loop.joined(separator: " -> "))"
                    )
                case .unvisited:
                    try visit(next)
                case .done:
                    break
                }
            }
            stack.removeLast()
            marks[rule] = .done
        }

        for rule in definitions.indices where marks[rule] == .unvisited { try visit(rule) }
    }
}

extension Condition {
    /// The same condition with its pattern leaves numbered from `first` on instead of from 0.
    func numberingPatterns(from first: Int) -> Condition {
        guard first != 0 else { return self }
        switch self {
        case .all(let children, let order): return .all(children.map { $0.numberingPatterns(from: first) }, order: order)
        case .any(let children): return .any(children.map { $0.numberingPatterns(from: first) })
        case .atLeast(let count, let children): return .atLeast(count, children.map { $0.numberingPatterns(from: first) })
        case .not(let child): return .not(child.numberingPatterns(from: first))
        case .leaf(.pattern(let number)): return .leaf(.pattern(first + number))
        case .count(.pattern(let number), let low, let high): return .count(.pattern(first + number), min: low, max: high)
        case .leaf, .count, .rule: return self
        }
    }
}

/// A map whose elements are computed on several threads, in order: each thread claims the next
/// element no thread has claimed and sets its result at that index.
private final class OrderedResults<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Element?]
    private var next = 0

    private init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// `transform` of each of `items`, in their order, computed on up to `threads` threads.
    static func map<Item: Sendable>(_ items: [Item], threads: Int, _ transform: @escaping @Sendable (Item) -> Element) -> [Element] {
        guard threads > 1, items.count > 1 else { return items.map(transform) }
        let results = OrderedResults(count: items.count)
        DispatchQueue.concurrentPerform(iterations: min(threads, items.count)) { _ in
            while let index = results.claim() { results.set(index, transform(items[index])) }
        }
        return results.slots.compactMap { $0 }
    }

    private func claim() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    private func set(_ index: Int, _ result: Element) {
        lock.withLock { slots[index] = result }
    }
}
