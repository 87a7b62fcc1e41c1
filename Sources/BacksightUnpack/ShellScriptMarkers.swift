import BacksightELF

/// Recognises decoded bytes that are a shell script, by what such scripts contain: an
/// interpreter line, `####Name####` marker lines that frame a script inside other text, and the
/// commands a payload-extraction stage uses (`eval`, `head -c`, `tail -c`, `tr`, `xz -d`).
enum ShellScriptMarkers {
    /// Literal markers and what they show.
    static let markers: [(text: String, meaning: String)] = [
        ("#!/bin/sh", "interpreter line"), ("#!/bin/bash", "interpreter line"), ("#!/usr/bin/env ", "interpreter line"),
        ("eval ", "eval of computed text"), ("head -c", "byte-count head"), ("tail -c", "byte-count tail"),
        ("tr \"", "byte translation"), ("tr '", "byte translation"), ("xz -d", "xz decode"), ("xz -F raw", "raw xz decode"),
        ("/bin/sh", "shell path"), ("$SHELL", "shell variable"), ("| sh", "pipe into a shell"),
    ]

    /// The markers found (each once, with its first offset), or nil when the bytes are not
    /// text or show fewer than three distinct markers and no interpreter line.
    static func find(in bytes: UnsafeRawBufferPointer) -> [FactEvidence]? {
        guard !bytes.isEmpty, isText(bytes) else { return nil }
        var found: [FactEvidence] = []
        var interpreter = false
        for marker in markers {
            guard let offset = firstOffset(of: Array(marker.text.utf8), in: bytes) else { continue }
            if marker.meaning == "interpreter line" {
                guard offset == 0 else { continue }
                interpreter = true
            }
            found.append(FactEvidence(value: marker.text.trimmingSpaces, offset: UInt64(offset), detail: marker.meaning))
        }
        found += frameMarkers(bytes)
        let distinct = Set(found.map(\.detail)).count
        guard interpreter || distinct >= 3 else { return nil }
        return found
    }

    /// Lines like `####Hello####`: four or more `#`, a word, four or more `#`.
    static func frameMarkers(_ bytes: UnsafeRawBufferPointer) -> [FactEvidence] {
        var found: [FactEvidence] = []
        var lineStart = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index])
            lineStart = index + 1
            guard line.count >= 9, line.count <= 64, line.first == 0x23, line.last == 0x23 else { continue }
            let leading = line.prefix { $0 == 0x23 }.count
            let trailing = line.reversed().prefix { $0 == 0x23 }.count
            let word = line.dropFirst(leading).dropLast(trailing)
            guard leading >= 4, trailing >= 4, !word.isEmpty,
                  word.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }) else { continue }
            found.append(FactEvidence(value: String(decoding: line, as: UTF8.self),
                                      offset: UInt64(index - line.count), detail: "frame marker line"))
            if found.count == 4 { break }
        }
        return found
    }

    /// No NUL and at most 5% control bytes (other than whitespace) in the first 4 KiB.
    static func isText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let sample = bytes.prefix(4096)
        var control = 0
        for byte in sample {
            if byte == 0 { return false }
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != 0x0C { control += 1 }
        }
        return control * 20 <= sample.count
    }
}

private extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
