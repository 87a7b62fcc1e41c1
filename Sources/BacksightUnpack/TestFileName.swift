/// What a file's path says about it: whether it sits where test data lives and whether its
/// name claims the file is broken. Paths are the scanned ones (`tests/files/bad-1.xz`,
/// `pkg.deb!/usr/share/x/tests/bad.xz`).
struct TestFileName {
    /// Directory names test suites keep their data in.
    static let testDirectories: Set<String> = [
        "test", "tests", "testdata", "test-data", "test_data", "testsuite", "testfiles", "test-files", "fixtures", "t",
    ]
    /// Words that say a file is meant to be broken.
    static let brokenWords: Set<String> = ["bad", "corrupt", "corrupted", "broken", "invalid", "damaged", "malformed"]

    let directories: [String]
    let name: String

    init(path: String) {
        // Only the innermost container level: `pkg.deb!/a/b.xz` -> `a/b.xz`.
        let inner = path.split(separator: "!", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let parts = inner.split(separator: "/").map(String.init)
        name = parts.last ?? ""
        directories = Array(parts.dropLast())
    }

    /// The lowercase words of the name, split at anything that is not a letter or digit.
    var words: [String] {
        name.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Why the path looks like test data, or nil: a test directory, or the `bad-N-`/`good-N-`
    /// naming compression test suites use (xz-utils' `tests/files`).
    var testEvidence: String? {
        if let directory = directories.first(where: { Self.testDirectories.contains($0.lowercased()) }) {
            return "in a '\(directory)' directory"
        }
        let words = self.words
        if words.count >= 2, ["bad", "good", "unsupported"].contains(words[0]), Int(words[1]) != nil {
            return "named like a test-suite file (\(words[0])-\(words[1])-…)"
        }
        return nil
    }

    /// The word in the name that says the file is broken, if any.
    var brokenWord: String? { words.first { Self.brokenWords.contains($0) } }

    /// The name with a compression suffix removed, for the decoded content (`x.ko.xz` -> `x.ko`,
    /// `x.txz` -> `x.tar`); nil when the name has no such suffix.
    var decodedName: String? {
        let lower = name.lowercased()
        for (suffix, replacement) in [(".txz", ".tar"), (".tgz", ".tar"), (".tlz", ".tar"), (".tzst", ".tar"), (".tbz2", ".tar"),
                                     (".xz", ""), (".lzma", ""), (".gz", ""), (".zst", ""), (".bz2", ""), (".lz4", ""), (".lz", "")]
        where lower.hasSuffix(suffix) && lower.count > suffix.count {
            return String(name.dropLast(suffix.count)) + replacement
        }
        return nil
    }
}
