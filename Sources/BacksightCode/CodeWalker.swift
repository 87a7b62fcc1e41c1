/// Walks the instructions of one function in address order and tracks what the registers and
/// stack slots hold, recording calls, stores, comparisons and references as it goes.
///
/// The walk is linear and path-insensitive (cheap and never stuck in a loop): it runs from the
/// start to the symbol's end, or, without a size, to the first return or jump past every branch
/// target seen. Forward branches remember the state they leave with, which is restored when the
/// straight-line code before their target ends in a return or jump. Every instruction counts
/// against a budget shared by the whole file.
final class CodeWalker {
    let image: ObjectImage
    let architecture: CodeArchitecture
    let convention: CallingConvention
    /// Instructions this walker may still decode, for the whole file.
    private(set) var budget: Int
    /// Decoded instructions so far (for the report).
    private(set) var decoded = 0
    private let primary: Disassembler
    private var thumbDisassembler: Disassembler?
    private var stubs: [UInt64: CallKind] = [:]
    private var thunks: [UInt64: Register?] = [:]

    /// Instructions one function may take at most.
    static let perFunctionLimit = 2500

    init?(image: ObjectImage, budget: Int) {
        guard let disassembler = Disassembler(architecture: image.architecture),
              let convention = CallingConvention(architecture: image.architecture, registers: disassembler.registers) else { return nil }
        self.image = image
        self.architecture = image.architecture
        self.primary = disassembler
        self.convention = convention
        self.budget = budget
    }

    private func disassembler(thumb: Bool) -> Disassembler? {
        guard architecture == .arm, thumb else { return primary }
        if thumbDisassembler == nil { thumbDisassembler = Disassembler(architecture: .arm, thumb: true) }
        return thumbDisassembler
    }

    // MARK: State

    private struct MachineState {
        var registers = SmallMap<Register, SymbolicValue>()
        var stack: [Int64: SymbolicValue] = [:]
        /// The last constant each register was compared with (a jump-table bound).
        var bounds = SmallMap<Register, Int64>()
        /// The same, by value: a compared value reloaded into another register (or from the
        /// stack slot it was spilled to, as -O0 code does) keeps its bound.
        var valueBounds = SmallMap<SymbolicValue, Int64>()

        /// The bound known for the value a register holds.
        func bound(of register: Register) -> Int64? {
            if let bound = bounds[register] { return bound }
            guard let value = registers[register], value != .unknown else { return nil }
            return valueBounds[value]
        }
    }

    /// The states forward branches left with, by target. The walk's address only grows, so the
    /// targets are kept sorted with a cursor at the first one not yet passed: asking whether a
    /// branch lands on an instruction is one comparison, not a hash lookup.
    private struct PendingStates {
        private var targets: [UInt64] = []
        private var states: [MachineState?] = []
        private var cursor = 0

        /// Keeps `state` for `target` unless a state is kept there already.
        mutating func keep(_ state: MachineState, at target: UInt64) {
            let index = targets.countOfPrefix { $0 < target }
            if index < targets.count, targets[index] == target { return }
            targets.insert(target, at: index)
            states.insert(state, at: index)
        }

        /// Takes out the state kept for `address`; addresses must be asked in increasing order.
        mutating func take(at address: UInt64) -> MachineState? {
            while cursor < targets.count, targets[cursor] < address { cursor += 1 }
            guard cursor < targets.count, targets[cursor] == address else { return nil }
            let state = states[cursor]
            states[cursor] = nil
            cursor += 1
            return state
        }

        /// Whether every target kept (taken or not) lies before `address`.
        func allBefore(_ address: UInt64) -> Bool { targets.last.map { $0 < address } ?? true }
    }

    private func initialState(start: UInt64) -> MachineState {
        var state = MachineState()
        state.registers[convention.stackPointer] = .stack(0)
        for (index, register) in convention.arguments.enumerated() { state.registers[register] = .argument(index) }
        if let functionAddress = convention.functionAddressRegister { state.registers[functionAddress] = .constant(Int64(bitPattern: start)) }
        return state
    }

    // MARK: Walking

    /// Walks the function at `start`. `stopAfter` ends the walk once that address is passed.
    func walk(start: UInt64, thumb: Bool, name: String, stopAfter: UInt64? = nil) -> FunctionRecord {
        var record = FunctionRecord(start: start, thumb: thumb, name: name)
        guard let decoder = disassembler(thumb: thumb), let section = image.section(at: start), section.isExecutable else { return record }
        let sectionEnd = section.address &+ section.size
        let symbolSize = image.function(at: start)?.size ?? 0
        let hasSize = symbolSize > 0
        let end = hasSize ? min(start &+ symbolSize, sectionEnd) : sectionEnd
        let alignment = UInt64(architecture.instructionAlignment(thumb: thumb))
        var state = initialState(start: start)
        var pending = PendingStates()
        var literals: Set<UInt64> = []
        var furthestTarget = start
        var address = start
        var invalidRun = 0
        var blockEnded = false
        var branchState: MachineState?
        var returned = false
        // One instruction value, decoded into again and again: its arrays keep their storage.
        var instruction = Instruction(address: start, size: 0, text: "")

        while address < end, address >= start {
            if let stopAfter, address > stopAfter { break }
            guard budget > 0, record.instructionCount < Self.perFunctionLimit else { record.truncated = true; break }
            if let saved = pending.take(at: address) {
                if blockEnded {
                    state = saved
                } else {
                    // A join: keep what this path knows, add what only the branch knew.
                    state.registers.addMissing(from: saved.registers)
                    // Only slots this path lacks change it (a merge would copy a shared table).
                    for (offset, value) in saved.stack where state.stack.index(forKey: offset) == nil { state.stack[offset] = value }
                }
            } else if blockEnded, returned, architecture.isMIPS, let branchState {
                // A block no branch seen so far leads to (a loop's head, reached from below): it
                // runs in the function's body, not after the epilogue that just restored the
                // saved registers (clang keeps the GOT pointer in one of them).
                state = branchState
            }
            if architecture == .arm, literals.contains(address) || image.isMarkedData(address) {
                address &+= alignment
                continue
            }
            let window = image.bytes(at: address, count: 16)
            guard decoder.decode(window, address: address, into: &instruction) else {
                invalidRun += 1
                if invalidRun > 8 { break }
                address &+= alignment
                continue
            }
            invalidRun = 0
            // Padding between a return and the next block keeps the block ended.
            if blockEnded, !(instruction.effects.isEmpty && instruction.flow == .next) { blockEnded = false; returned = false }
            budget -= 1
            decoded += 1
            record.instructionCount += 1
            let site = InstructionSite(address: address, thumb: thumb, ordinal: record.instructionCount)
            var next = address &+ UInt64(instruction.size)

            inspectArguments(instruction, state: state, site: site, record: &record)
            // An indirect target is read before the instruction's own effects (`ldr pc, [ip, #n]!`
            // loads, then writes back).
            let flow = instruction.flow
            var resolvedTarget: SymbolicValue?
            if case let .call(.indirect(operand)) = flow { resolvedTarget = evaluate(operand, &state, site: site, record: &record) }
            if case let .jump(.indirect(operand)) = flow { resolvedTarget = evaluate(operand, &state, site: site, record: &record) }
            apply(instruction.effects, state: &state, site: site, record: &record, literals: &literals, functionEnd: end, next: &next)
            if instruction.hasDelaySlot, next < end, budget > 0,
               let slot = decoder.decode(image.bytes(at: next, count: 16), address: next) {
                budget -= 1
                decoded += 1
                record.instructionCount += 1
                let slotSite = InstructionSite(address: next, thumb: thumb, ordinal: record.instructionCount)
                var afterSlot = next &+ UInt64(slot.size)
                apply(slot.effects, state: &state, site: slotSite, record: &record, literals: &literals, functionEnd: end, next: &afterSlot)
                next = afterSlot
            }

            switch flow {
            case .next:
                break
            case let .call(target):
                performCall(target, resolved: resolvedTarget, thumb: thumb, state: &state, site: site, record: &record, tail: false, returnAddress: next)
            case let .branch(target):
                record.branchOrdinals.append(site.ordinal)
                // Only MIPS returns to it; keeping it elsewhere would make the next write copy the state.
                if architecture.isMIPS { branchState = state }
                if case let .direct(destination, _) = target, destination > address, destination < end {
                    furthestTarget = max(furthestTarget, destination)
                    pending.keep(state, at: destination)
                }
            case let .jump(target):
                if case let .direct(destination, switches) = target {
                    let leaves = destination < start || destination >= end || image.isPLT(destination)
                        || (destination != start && image.isFunctionStart(destination))
                    if leaves {
                        performCall(.direct(destination, switchesMode: switches), resolved: nil, thumb: thumb, state: &state,
                                    site: site, record: &record, tail: true, returnAddress: next)
                    } else if destination > address {
                        furthestTarget = max(furthestTarget, destination)
                        pending.keep(state, at: destination)
                    }
                } else if let resolvedTarget, resolvedTarget.externalRoot != nil || resolvedTarget.constantValue != nil {
                    performCall(.indirect(.immediate(0)), resolved: resolvedTarget, thumb: thumb, state: &state, site: site,
                                record: &record, tail: true, returnAddress: next)
                }
                blockEnded = true
            case .return, .stop:
                blockEnded = true
                returned = true
            }
            if blockEnded, !hasSize, next > furthestTarget, pending.allBefore(next) { break }
            address = next
        }
        return record
    }

    // MARK: Effects

    private func apply(_ effects: [Effect], state: inout MachineState, site: InstructionSite, record: inout FunctionRecord,
                       literals: inout Set<UInt64>, functionEnd: UInt64, next: inout UInt64) {
        for effect in effects {
            switch effect {
            case let .set(register, expression):
                let value = evaluate(expression, &state, site: site, record: &record, literals: &literals, functionEnd: functionEnd)
                state.registers[register] = value
                state.bounds[register] = nil
            case let .store(memory, operand):
                let value = evaluate(operand, &state, site: site, record: &record)
                store(value, at: memory, state: &state, site: site, record: &record)
            case let .compare(left, right):
                let leftValue = evaluate(left, &state, site: site, record: &record)
                let rightValue = evaluate(right, &state, site: site, record: &record)
                if let constant = rightValue.constantValue, leftValue.constantValue == nil {
                    record.compares.append(CompareSite(site: site, value: leftValue, constant: normalized(constant)))
                    if case let .register(register) = left { state.bounds[register] = constant }
                    if leftValue != .unknown, state.valueBounds.count < 64 { state.valueBounds[leftValue] = constant }
                } else if let constant = leftValue.constantValue, rightValue.constantValue == nil {
                    record.compares.append(CompareSite(site: site, value: rightValue, constant: normalized(constant)))
                    if case let .register(register) = right { state.bounds[register] = constant }
                }
            case let .bound(left, right):
                let value = evaluate(left, &state, site: site, record: &record)
                guard let constant = evaluate(right, &state, site: site, record: &record).constantValue, value.constantValue == nil,
                      value != .unknown, state.valueBounds.count < 64 else { break }
                state.valueBounds[value] = constant
            case let .jumpTable(index, table, width):
                guard table == nil, let bound = state.bound(of: index), bound >= 0, bound < 1024 else { break }
                // An inline table (ARM tbb/tbh) starts right after the instruction.
                let start = next
                let entries = readTable(at: start, count: Int(bound) + 1, width: width)
                recordCases(entries, index: state.registers[index] ?? .unknown, site: site, record: &record)
                let length = UInt64((Int(bound) + 1) * width)
                next = start &+ (length + 1) / 2 * 2
            case .cpuFeatureProbe:
                record.cpuProbes.append(site)
            case .systemCall:
                let number = state.registers[convention.systemCallNumber] ?? .unknown
                let arguments = convention.systemCallArguments.map { state.registers[$0] ?? .unknown }
                record.systemCalls.append(SystemCallSite(site: site, number: number, arguments: arguments))
            }
        }
    }

    private func evaluate(_ expression: Expression, _ state: inout MachineState, site: InstructionSite, record: inout FunctionRecord,
                          literals: inout Set<UInt64>, functionEnd: UInt64) -> SymbolicValue {
        switch expression {
        case let .copy(operand):
            if case let .memory(memory) = operand {
                if memory.base == nil, memory.index == nil, architecture == .arm {
                    let address = UInt64(bitPattern: memory.displacement)
                    if address < functionEnd { for byte in 0..<UInt64(max(memory.width, 4)) { literals.insert(address &+ byte) } }
                }
                if memory.index != nil, let table = tableRead(memory, state: state) {
                    recordCases(table.entries, index: table.index, site: site, record: &record)
                    return .unknown
                }
            }
            return evaluate(operand, &state, site: site, record: &record)
        case let .address(memory):
            return effectiveAddress(memory, state)
        case let .add(left, right):
            let a = evaluate(left, &state, site: site, record: &record)
            let b = evaluate(right, &state, site: site, record: &record)
            if let constant = b.constantValue { return normalizedValue(a.adding(constant)) }
            if let constant = a.constantValue { return normalizedValue(b.adding(constant)) }
            return .unknown
        case let .subtract(left, right):
            let a = evaluate(left, &state, site: site, record: &record)
            let b = evaluate(right, &state, site: site, record: &record)
            if let constant = b.constantValue { return normalizedValue(a.adding(0 &- constant)) }
            if case let .stack(x) = a, case let .stack(y) = b { return .constant(x &- y) }
            return .unknown
        case let .shiftLeft(operand, amount):
            guard (0..<64).contains(amount) else { return .unknown }
            let shifted = evaluate(operand, &state, site: site, record: &record)
            if let value = shifted.constantValue { return normalizedValue(.constant(value << amount)) }
            // A compared value scaled to a table entry's size: the start of a switch table lookup.
            guard amount <= 3, case let .register(register) = operand, let bound = state.bound(of: register) else { return .unknown }
            if case .unknown = shifted { return .unknown }
            return .scaledIndex(shifted, scale: 1 << amount, base: 0, bound: bound)
        case let .insertBits(register, bits, shift):
            guard (0..<64).contains(shift) else { return .unknown }
            let current = state.registers[register]?.constantValue ?? 0
            let mask = UInt64(0xffff) << UInt64(shift)
            let merged = (UInt64(bitPattern: current) & ~mask) | (bits << UInt64(shift))
            return normalizedValue(.constant(Int64(bitPattern: merged)))
        case let .opaque(operands):
            let values = operands.map { evaluate($0, &state, site: site, record: &record) }
            noteInlineLiteral(values, site: site, record: &record)
            noteVectorLiteral(operands, values, state: state, site: site, record: &record)
            return .unknown
        }
    }

    /// The value of an operand; memory operands are loads.
    private func evaluate(_ operand: Operand, _ state: inout MachineState, site: InstructionSite, record: inout FunctionRecord) -> SymbolicValue {
        switch operand {
        case let .register(register):
            return state.registers[register] ?? .unknown
        case let .immediate(value):
            return .constant(value)
        case let .memory(memory):
            if let segment = memory.segment {
                let canary = (segment == .fs && memory.displacement == 0x28 && architecture == .x86_64)
                    || (segment == .gs && memory.displacement == 0x14 && architecture == .i386)
                if canary { record.canaryReads.append(site) }
                return .unknown
            }
            return load(effectiveAddress(memory, state), width: memory.width, state: state, site: site, record: &record)
        }
    }

    private func effectiveAddress(_ memory: MemoryReference, _ state: MachineState) -> SymbolicValue {
        var value: SymbolicValue = memory.base.map { state.registers[$0] ?? .unknown } ?? .constant(0)
        if let index = memory.index {
            guard let indexValue = state.registers[index]?.constantValue else {
                // A compared (bounded) index scaled into a known base: a switch table entry's
                // address, computed apart from the load (`lea rdx, [rax*4]` at -O0).
                guard let bound = state.bound(of: index), let base = value.constantValue, let indexValue = state.registers[index],
                      indexValue != .unknown, (1...8).contains(memory.scale) else { return .unknown }
                return .scaledIndex(indexValue, scale: memory.scale, base: base &+ memory.displacement, bound: bound)
            }
            value = value.adding(indexValue &* memory.scale)
        }
        return normalizedValue(value.adding(memory.displacement))
    }

    private func load(_ address: SymbolicValue, width: Int, state: MachineState, site: InstructionSite, record: inout FunctionRecord) -> SymbolicValue {
        switch address {
        case let .stack(offset):
            if let value = state.stack[offset] { return value }
            return .loaded(.stack(offset), delta: 0)
        case .constant, .gotEntry:
            guard let raw = address.constantValue else { return .unknown }
            let location = UInt64(bitPattern: raw)
            if let word = image.relocatedWord(at: location) {
                // An IRELATIVE slot holds whatever its resolver picks at load time.
                if word.relocationType.hasSuffix("IRELATIVE") { return .unknown }
                if let symbol = word.symbol {
                    record.references.append((symbol, site))
                    return .external(symbol, 0)
                }
                if let target = word.target {
                    return image.isGOT(location) ? .gotEntry(slot: location, target: target) : .constant(Int64(bitPattern: target))
                }
                return .unknown
            }
            guard let section = image.section(at: location) else { return .unknown }
            if !section.isWritable || image.isGOT(location), section.hasFileBytes,
               let value = image.readUnsigned(at: location, width: width > 0 ? width : convention.wordSize) {
                return normalizedValue(.constant(Int64(bitPattern: value)))
            }
            return .loaded(.address(location), delta: 0)
        case let .external(name, offset):
            record.references.append((name, site))
            return .loaded(.external(name, offset), delta: 0)
        case let .scaledIndex(index, scale, base, bound):
            // A switch table reached through shift and add: an unsigned `index < bound` check
            // (MIPS `sltiu`) allows `bound` entries, an `index > bound` branch (x86, ARM) one more.
            guard let bound, bound > 0, bound < 1024, scale == Int64(width),
                  let section = image.section(at: UInt64(bitPattern: base)), !section.isWritable else { return .unknown }
            let count = architecture.isMIPS ? Int(bound) : Int(bound) + 1
            let entries = readTable(at: UInt64(bitPattern: base), count: count, width: width)
            if entries.count == count { recordCases(entries, index: index, site: site, record: &record) }
            return .unknown
        case .loaded(.external(let name, _), _), .loaded(.reachable(let name), _):
            return .loaded(.reachable(name), delta: 0)
        default:
            return .loaded(.unknown, delta: 0)
        }
    }

    private func store(_ value: SymbolicValue, at memory: MemoryReference, state: inout MachineState, site: InstructionSite,
                       record: inout FunctionRecord) {
        if memory.segment != nil { return }
        let address = effectiveAddress(memory, state)
        switch address {
        case let .stack(offset):
            state.stack[offset] = value
        case .constant, .gotEntry:
            if let raw = address.constantValue {
                record.stores.append(StoreSite(site: site, target: .own(UInt64(bitPattern: raw)), value: value))
            }
        default:
            if let root = address.externalRoot {
                record.stores.append(StoreSite(site: site, target: .external(root), value: value))
            } else {
                record.stores.append(StoreSite(site: site, target: .unknown, value: value))
            }
        }
    }

    // MARK: Calls

    private func performCall(_ target: Target, resolved: SymbolicValue?, thumb: Bool, state: inout MachineState, site: InstructionSite,
                             record: inout FunctionRecord, tail: Bool, returnAddress: UInt64) {
        var kind = CallKind.unknown
        switch target {
        case let .direct(destination, switches):
            let calleeThumb = architecture == .arm ? (switches ? !thumb : thumb) : false
            if !tail, architecture.isX86, let register = pcThunkRegister(destination) {
                state.registers[register] = .constant(Int64(bitPattern: returnAddress))
                return
            }
            if image.isPLT(destination) {
                kind = resolveStub(destination, thumb: calleeThumb, caller: state) ?? .unknown
            } else if image.isExecutable(destination) {
                kind = .local(destination, thumb: calleeThumb)
            }
        case .indirect:
            switch resolved {
            case let .external(name, 0)?:
                kind = .imported(name, via: nil)
            case let .gotEntry(slot, destination)?:
                kind = image.isExecutable(destination) ? .ownGOT(slot: slot, target: destination) : .unknown
            case let .constant(value)?:
                let destination = UInt64(bitPattern: value)
                if image.isPLT(destination) {
                    kind = resolveStub(destination, thumb: thumb, caller: state) ?? .unknown
                } else if image.isExecutable(destination) {
                    kind = .local(architecture == .arm ? destination & ~1 : destination, thumb: architecture == .arm && value & 1 == 1)
                }
            default:
                break
            }
        }
        var calleeName: String
        switch kind {
        case let .imported(name, _): calleeName = name
        case let .local(address, _), let .ownGOT(_, address): calleeName = image.describe(address) ?? "0x" + String(address, radix: 16)
        case .unknown: calleeName = "0x" + String(site.address, radix: 16)
        }
        let arguments = argumentValues(state)
        record.calls.append(CallSite(site: site, kind: kind, arguments: arguments, isTailCall: tail))
        for value in arguments {
            guard let raw = value.constantValue else { continue }
            let address = UInt64(bitPattern: raw)
            let callbackAddress = architecture == .arm ? address & ~1 : address
            if image.isExecutable(callbackAddress), !image.isPLT(callbackAddress), image.isFunctionStart(callbackAddress) || !image.hasLocalSymbols {
                record.callbacks.append((callbackAddress, architecture == .arm && address & 1 == 1, site))
            }
        }
        guard !tail else { return }
        // The callee may write through stack pointers it was given: those slots now hold its output.
        // `pam_get_item` hands back the password only for PAM_AUTHTOK (6) and PAM_OLDAUTHTOK (7).
        if calleeName == "pam_get_item", let item = arguments.dropFirst().first?.constantValue, item != 6 && item != 7 {
            calleeName = "pam_get_item(\(item))"
        }
        for value in arguments {
            guard case let .stack(offset) = value else { continue }
            for covered in state.stack.keys.filter({ $0 >= offset && $0 < offset &+ 64 }) { state.stack.removeValue(forKey: covered) }
            state.stack[offset] = .calleeOutput(calleeName)
        }
        for register in convention.callerSaved { state.registers[register] = nil }
        state.registers[convention.result] = .callResult(calleeName)
        state.bounds.removeAll()
        state.valueBounds.removeAll()
    }

    /// Argument values at a call: the argument registers in order, then the first words above
    /// the stack pointer, where arguments beyond the registers go (all of them on i386).
    private func argumentValues(_ state: MachineState) -> [SymbolicValue] {
        var values: [SymbolicValue] = []
        values.reserveCapacity(convention.arguments.count + convention.stackArgumentCount)
        for register in convention.arguments { values.append(state.registers[register] ?? .unknown) }
        guard case let .stack(top)? = state.registers[convention.stackPointer] else { return values }
        let word = Int64(convention.wordSize)
        for index in 0..<convention.stackArgumentCount {
            values.append(state.stack[top &+ convention.stackArgumentsOffset &+ Int64(index) &* word] ?? .unknown)
        }
        return values
    }

    /// The disassembly of the instruction at a site, for evidence.
    func text(of site: InstructionSite) -> String {
        guard let decoder = disassembler(thumb: site.thumb),
              let instruction = decoder.decode(image.bytes(at: site.address, count: 16), address: site.address, withText: true) else {
            return "(undecodable)"
        }
        return instruction.text
    }

    /// Which import the PLT stub at `address` jumps to.
    func stubTarget(_ address: UInt64, thumb: Bool) -> CallKind {
        resolveStub(address, thumb: thumb, caller: MachineState()) ?? .unknown
    }

    /// An address before `site` from which x86 instructions decode in step up to `site`
    /// exactly (the start of a code window in a stripped object), or nil.
    func synchronizedStart(before site: UInt64, distance: UInt64) -> UInt64? {
        guard let section = image.section(at: site) else { return nil }
        let earliest = max(section.address, site >= distance ? site - distance : 0)
        var candidate = earliest
        while candidate < site, budget > 0 {
            var cursor = candidate
            var steps = 0
            while cursor < site, steps < 64, let instruction = primary.decode(image.bytes(at: cursor, count: 16), address: cursor) {
                cursor &+= UInt64(instruction.size)
                steps += 1
            }
            budget -= steps
            if cursor == site { return candidate }
            candidate &+= 1
        }
        return nil
    }

    /// In a stripped object, where the code that reaches `site` most likely starts: decoding in
    /// step from `window` (an instruction boundary), the instruction after the last return or
    /// unconditional jump before `site` (and its delay slot), else `window` itself. A walk from
    /// an earlier function would end at that function's return before it reached `site`.
    func blockStart(from window: UInt64, to site: UInt64, thumb: Bool) -> UInt64 {
        guard let decoder = disassembler(thumb: thumb) else { return window }
        var cursor = window
        var start = window
        var steps = 0
        while cursor < site, steps < 256, budget > 0,
              let instruction = decoder.decode(image.bytes(at: cursor, count: 16), address: cursor) {
            cursor &+= UInt64(instruction.size)
            steps += 1
            switch instruction.flow {
            case .return, .jump, .stop:
                start = cursor &+ (instruction.hasDelaySlot ? UInt64(instruction.size) : 0)
            default:
                break
            }
        }
        budget -= steps
        return start <= site ? start : window
    }

    /// Which import a PLT stub jumps to: the stub's own few instructions, interpreted.
    private func resolveStub(_ address: UInt64, thumb: Bool, caller: MachineState) -> CallKind? {
        if let known = stubs[address] { return known }
        var state = MachineState()
        state.registers[convention.stackPointer] = .stack(0)
        if architecture == .i386, let ebx = primary.registers.named("ebx") {
            let got = image.model.section(named: ".got.plt") ?? image.model.section(named: ".got")
            state.registers[ebx] = got.map { .constant(Int64(bitPattern: $0.address)) } ?? caller.registers[ebx]
        }
        var scratch = FunctionRecord(start: address, thumb: thumb, name: "plt")
        var literals: Set<UInt64> = []
        var cursor = address
        var mode = thumb
        var result: CallKind?
        for ordinal in 0..<8 {
            guard let decoder = disassembler(thumb: mode),
                  let instruction = decoder.decode(image.bytes(at: cursor, count: 16), address: cursor) else { break }
            let site = InstructionSite(address: cursor, thumb: mode, ordinal: ordinal)
            var next = cursor &+ UInt64(instruction.size)
            let target: SymbolicValue? = {
                guard case let .jump(.indirect(operand)) = instruction.flow else { return nil }
                return evaluate(operand, &state, site: site, record: &scratch)
            }()
            apply(instruction.effects, state: &state, site: site, record: &scratch, literals: &literals, functionEnd: 0, next: &next)
            if let target {
                switch target {
                case let .external(name, 0):
                    result = .imported(name, via: address)
                case let .gotEntry(slot, destination):
                    result = image.isExecutable(destination) ? .ownGOT(slot: slot, target: destination) : nil
                case let .constant(value) where image.isPLT(UInt64(bitPattern: value) & ~1):
                    // A mode-switching prefix (`bx pc` in a Thumb entry): continue where it lands.
                    cursor = UInt64(bitPattern: value) & ~1
                    if architecture == .arm { mode = value & 1 == 1 }
                    continue
                default:
                    result = nil
                }
                break
            }
            if case let .jump(.direct(destination, _)) = instruction.flow, image.isPLT(destination), destination != cursor {
                cursor = destination
                continue
            }
            if instruction.flow != .next { break }
            cursor = next
        }
        stubs[address] = result ?? .unknown
        return result
    }

    /// x86 position-independent code reads its own address with a thunk: `mov (%esp), %reg; ret`.
    private func pcThunkRegister(_ address: UInt64) -> Register? {
        if let known = thunks[address] { return known }
        var found: Register?
        if let first = primary.decode(image.bytes(at: address, count: 16), address: address),
           first.effects.count == 1, case let .set(register, .copy(.memory(memory))) = first.effects[0],
           memory.base == convention.stackPointer, memory.displacement == 0, memory.index == nil,
           let second = primary.decode(image.bytes(at: address &+ UInt64(first.size), count: 16), address: address &+ UInt64(first.size)),
           second.flow == .return {
            found = register
        }
        thunks[address] = found
        return found
    }

    // MARK: Arguments and jump tables

    /// Resolvers on ARM and AArch64 receive the hardware capabilities in their first arguments;
    /// an instruction that computes with them (not just moves them) inspects them.
    private func inspectArguments(_ instruction: Instruction, state: MachineState, site: InstructionSite, record: inout FunctionRecord) {
        guard !instruction.onlyMovesData, !instruction.reads.isEmpty else { return }
        if case .call = instruction.flow { return }
        for register in instruction.reads {
            if case let .argument(index)? = state.registers[register], index < 2 {
                record.argumentInspections.append(site)
                return
            }
        }
    }

    /// A load indexed by a register that was just bounds-checked, from a table in read-only data:
    /// a compiled `switch`.
    private func tableRead(_ memory: MemoryReference, state: MachineState) -> (entries: [UInt64], index: SymbolicValue)? {
        guard let indexRegister = memory.index, let bound = state.bound(of: indexRegister), bound >= 0, bound < 1024,
              let baseRegister = memory.base, let base = state.registers[baseRegister]?.constantValue else { return nil }
        let table = UInt64(bitPattern: base &+ memory.displacement)
        guard let section = image.section(at: table), !section.isWritable else { return nil }
        let width = memory.width > 0 ? memory.width : Int(max(1, min(memory.scale, 8)))
        let entries = readTable(at: table, count: Int(bound) + 1, width: width)
        guard entries.count == Int(bound) + 1 else { return nil }
        return (entries, state.registers[indexRegister] ?? .unknown)
    }

    private func readTable(at address: UInt64, count: Int, width: Int) -> [UInt64] {
        var entries: [UInt64] = []
        for index in 0..<count {
            guard let value = image.readUnsigned(at: address &+ UInt64(index * width), width: width) else { break }
            entries.append(value)
        }
        return entries
    }

    /// The case values of a jump table: every index whose entry differs from the most common one
    /// (the default target of a sparse switch).
    private func recordCases(_ entries: [UInt64], index: SymbolicValue, site: InstructionSite, record: inout FunctionRecord) {
        guard entries.count > 2 else { return }
        var counts: [UInt64: Int] = [:]
        for entry in entries { counts[entry, default: 0] += 1 }
        guard let common = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key,
              let commonCount = counts[common], commonCount > 1 else { return }
        for (position, entry) in entries.enumerated() where entry != common {
            record.compares.append(CompareSite(site: site, value: index, constant: Int64(position)))
        }
    }

    /// A value combined (xor, eor) with a word of text held in a register: a comparison with a
    /// string literal the compiler inlined (`strcmp(buffer, "…")` of known length as 8-byte xors).
    private func noteInlineLiteral(_ values: [SymbolicValue], site: InstructionSite, record: inout FunctionRecord) {
        guard values.count == 2, record.inlineLiterals.count < 64 else { return }
        for (word, other) in [(values[0], values[1]), (values[1], values[0])] {
            guard let constant = word.constantValue, other.constantValue == nil, other != .unknown,
                  let text = InlineLiteral.text(of: UInt64(bitPattern: constant), width: convention.wordSize, bigEndian: architecture.isBigEndian)
            else { continue }
            record.inlineLiterals.append(InlineLiteral(site: site, text: text, value: other))
            return
        }
    }

    /// A value compared (`pcmpeqb`) with sixteen bytes of text in read-only data: a string
    /// comparison the compiler inlined with vector instructions.
    private func noteVectorLiteral(_ operands: [Operand], _ values: [SymbolicValue], state: MachineState, site: InstructionSite,
                                   record: inout FunctionRecord) {
        guard !operands.isEmpty, operands.count <= 2, values.count == operands.count, record.inlineLiterals.count < 64 else { return }
        for (index, operand) in operands.enumerated() {
            guard case let .memory(memory) = operand, memory.width == 16, let raw = effectiveAddress(memory, state).constantValue,
                  let section = image.section(at: UInt64(bitPattern: raw)), !section.isWritable, !section.isExecutable else { continue }
            // Vector registers are not followed: the compared value is then unknown, and only a
            // vector compare counts (a `movdqa` of the same bytes copies a string).
            let other = operands.count == 2 ? values[1 - index] : .unknown
            guard other.constantValue == nil, operands.count == 2 || text(of: site).hasPrefix("pcmpeq") || text(of: site).hasPrefix("vpcmpeq")
            else { continue }
            let bytes = image.bytes(at: UInt64(bitPattern: raw), count: 16)
            guard bytes.count == 16, let text = InlineLiteral.text(of: Array(bytes)) else { continue }
            record.inlineLiterals.append(InlineLiteral(site: site, text: text, value: other))
            return
        }
    }

    // MARK: Word size

    private func normalized(_ value: Int64) -> Int64 {
        convention.wordSize == 4 ? Int64(UInt32(truncatingIfNeeded: value)) : value
    }

    private func normalizedValue(_ value: SymbolicValue) -> SymbolicValue {
        guard convention.wordSize == 4, case let .constant(number) = value else { return value }
        return .constant(normalized(number))
    }
}
