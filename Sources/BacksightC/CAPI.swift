import Backsight
import CBacksight
import Foundation

// The calls of backsight.h, over the public Backsight API. Nothing here decides anything about
// files or rules: it converts C arguments, calls the engine, and converts the outcome back.
// Handles are retained Swift objects passed as opaque pointers; every free releases one.

nonisolated(unsafe) private let versionString: UnsafeMutablePointer<CChar>? = strdup(BacksightBuild.version)

@_cdecl("backsight_version")
public func backsight_version() -> UnsafePointer<CChar>? {
    versionString.map { UnsafePointer($0) }
}

@_cdecl("backsight_api_version")
public func backsight_api_version() -> Int32 { 1 }

// MARK: Rules

@_cdecl("backsight_rules_compile")
public func backsight_rules_compile(_ folders: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
                                    _ rules: UnsafeMutablePointer<OpaquePointer?>?,
                                    _ error: UnsafeMutablePointer<backsight_error>?) -> backsight_result {
    guard let rules, count >= 0, count == 0 || folders != nil else {
        return fail(BACKSIGHT_ERROR_ARGUMENT, "backsight_rules_compile: rules must not be NULL, nor folders when count > 0", error)
    }
    rules.pointee = nil
    var paths: [String] = []
    for index in 0..<count {
        guard let folder = folders?[index] else {
            return fail(BACKSIGHT_ERROR_ARGUMENT, "backsight_rules_compile: folder \(index) is NULL", error)
        }
        paths.append(String(cString: folder))
    }
    do throws(RuleCompileError) {
        let ruleSet = try RuleSet.compile(directories: paths)
        rules.pointee = retain(ruleSet)
        return BACKSIGHT_OK
    } catch let problem {
        set(error, message: problem.description, file: problem.file, line: problem.line, column: problem.column)
        return BACKSIGHT_ERROR_COMPILE
    }
}

@_cdecl("backsight_rules_count")
public func backsight_rules_count(_ rules: OpaquePointer?) -> Int {
    rules.map { object(RuleSet.self, $0).rules.count } ?? 0
}

@_cdecl("backsight_rules_free")
public func backsight_rules_free(_ rules: OpaquePointer?) {
    if let rules { release(RuleSet.self, rules) }
}

@_cdecl("backsight_liblzma_self_check")
public func backsight_liblzma_self_check(_ rules: OpaquePointer?, _ message: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> backsight_result {
    message?.pointee = nil
    guard let rules else { return BACKSIGHT_ERROR_ARGUMENT }
    let result = LiblzmaSelfCheck.run(ruleSet: object(RuleSet.self, rules))
    message?.pointee = strdup(result.message)
    if case .refused = result { return BACKSIGHT_ERROR_UNSAFE_LIBLZMA }
    return BACKSIGHT_OK
}

// MARK: Scans

@_cdecl("backsight_scan_new")
public func backsight_scan_new(_ rules: OpaquePointer?, _ options: UnsafePointer<backsight_scan_options>?,
                               _ scan: UnsafeMutablePointer<OpaquePointer?>?) -> backsight_result {
    guard let rules, let scan else { return BACKSIGHT_ERROR_ARGUMENT }
    scan.pointee = nil
    guard let scanOptions = scanOptions(options?.pointee) else { return BACKSIGHT_ERROR_ARGUMENT }
    let scanner = Backsight.Scanner(ruleSet: object(RuleSet.self, rules), options: scanOptions)
    scan.pointee = retain(ScanHandle(scanner: scanner))
    return BACKSIGHT_OK
}

/// The engine's options for C's, nil when one is out of range.
private func scanOptions(_ given: backsight_scan_options?) -> ScanOptions? {
    guard let given else { return ScanOptions() }
    guard given.jobs <= 4096, given.max_file_seconds >= 0, given.max_file_seconds <= 1e9 else { return nil }
    var options = ScanOptions(jobs: given.jobs == 0 ? nil : Int(given.jobs))
    options.unpacks = given.no_unpack == 0
    if given.max_file_size > 0 { options.maximumFileSize = given.max_file_size }
    if given.max_file_seconds > 0 { options.maximumFileTime = .milliseconds(Int64((given.max_file_seconds * 1000).rounded(.up))) }
    return options
}

@_cdecl("backsight_scan_start_path")
public func backsight_scan_start_path(_ scan: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                                      _ error: UnsafeMutablePointer<backsight_error>?) -> backsight_result {
    guard let scan, let path else { return fail(BACKSIGHT_ERROR_ARGUMENT, "backsight_scan_start_path: scan and path must not be NULL", error) }
    let handle = object(ScanHandle.self, scan)
    if let refusal = refusesStart(handle, error) { return refusal }
    do throws(ScanError) {
        try handle.start(path: String(cString: path))
        return BACKSIGHT_OK
    } catch let problem {
        return fail(BACKSIGHT_ERROR_ROOT, problem.description, error)
    }
}

@_cdecl("backsight_scan_start_bytes")
public func backsight_scan_start_bytes(_ scan: OpaquePointer?, _ bytes: UnsafeRawPointer?, _ length: Int,
                                       _ virtualPath: UnsafePointer<CChar>?,
                                       _ error: UnsafeMutablePointer<backsight_error>?) -> backsight_result {
    guard let scan, let virtualPath, length >= 0, length == 0 || bytes != nil else {
        return fail(BACKSIGHT_ERROR_ARGUMENT, "backsight_scan_start_bytes: scan and virtual_path must not be NULL, nor bytes when length > 0", error)
    }
    let handle = object(ScanHandle.self, scan)
    if let refusal = refusesStart(handle, error) { return refusal }
    let copy = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
    handle.start(bytes: copy, path: String(cString: virtualPath))
    return BACKSIGHT_OK
}

/// Why `handle` cannot start: it already did, or it was cancelled.
private func refusesStart(_ handle: ScanHandle, _ error: UnsafeMutablePointer<backsight_error>?) -> backsight_result? {
    if handle.started { return fail(BACKSIGHT_ERROR_STATE, "the scan was already started; create a new one", error) }
    if handle.pipe.isCancelled { return fail(BACKSIGHT_CANCELLED, "the scan was cancelled before it started", error) }
    return nil
}

@_cdecl("backsight_scan_next")
public func backsight_scan_next(_ scan: OpaquePointer?, _ json: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                                _ length: UnsafeMutablePointer<Int>?) -> backsight_result {
    json?.pointee = nil
    length?.pointee = 0
    guard let scan, let json else { return BACKSIGHT_ERROR_ARGUMENT }
    let handle = object(ScanHandle.self, scan)
    guard handle.started || handle.pipe.isCancelled else { return BACKSIGHT_ERROR_STATE }
    switch handle.next() {
    case let .report(text, count):
        json.pointee = text
        length?.pointee = count
        return BACKSIGHT_OK
    case .finished: return BACKSIGHT_DONE
    case .cancelled: return BACKSIGHT_CANCELLED
    }
}

@_cdecl("backsight_scan_each")
public func backsight_scan_each(_ scan: OpaquePointer?, _ callback: backsight_report_callback?,
                                _ context: UnsafeMutableRawPointer?) -> backsight_result {
    guard let scan, let callback else { return BACKSIGHT_ERROR_ARGUMENT }
    while true {
        var json: UnsafePointer<CChar>?
        var length = 0
        let result = backsight_scan_next(scan, &json, &length)
        guard result == BACKSIGHT_OK else { return result == BACKSIGHT_DONE ? BACKSIGHT_OK : result }
        if callback(json, length, context) != 0 {
            object(ScanHandle.self, scan).cancel()
            return BACKSIGHT_STOPPED
        }
    }
}

@_cdecl("backsight_scan_cancel")
public func backsight_scan_cancel(_ scan: OpaquePointer?) {
    if let scan { object(ScanHandle.self, scan).cancel() }
}

@_cdecl("backsight_scan_free")
public func backsight_scan_free(_ scan: OpaquePointer?) {
    guard let scan else { return }
    object(ScanHandle.self, scan).cancel()
    release(ScanHandle.self, scan)
}

// MARK: Handles and errors

private func retain<Object: AnyObject>(_ value: Object) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(value).toOpaque())
}

private func object<Object: AnyObject>(_ type: Object.Type, _ handle: OpaquePointer) -> Object {
    Unmanaged<Object>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
}

private func release<Object: AnyObject>(_ type: Object.Type, _ handle: OpaquePointer) {
    Unmanaged<Object>.fromOpaque(UnsafeRawPointer(handle)).release()
}

/// Fills `error` (if given) and returns `result`.
private func fail(_ result: backsight_result, _ message: String, _ error: UnsafeMutablePointer<backsight_error>?) -> backsight_result {
    set(error, message: message, file: nil, line: 0, column: 0)
    return result
}

private func set(_ error: UnsafeMutablePointer<backsight_error>?, message: String, file: String?, line: Int, column: Int) {
    guard let error else { return }
    backsight_error_clear(error)
    error.pointee.message = strdup(message)
    error.pointee.file = file.flatMap { strdup($0) }
    error.pointee.line = UInt32(clamping: line)
    error.pointee.column = UInt32(clamping: column)
}
