import BacksightELF

/// Finds calls to `dlsym` anywhere in an object's code and checks whether their handle is
/// `RTLD_NEXT`: the way a library fetches the function it shadows.
struct SymbolLookupSearch {
    let search: CallSiteSearch

    private static let names: Set<String> = ["dlsym", "__libc_dlsym"]

    func rtldNextLookups(limit: Int) -> (evidence: [CodeEvidence], sitesExamined: Int) {
        let sites = search.sites(calling: Self.names, limit: limit)
        let image = search.image
        let mask: UInt64 = image.architecture.wordSize == 8 ? .max : 0xffff_ffff
        var evidence: [CodeEvidence] = []
        for site in sites {
            guard let (calls, record) = search.calls(at: site) else { continue }
            for call in calls {
                guard case let .imported(callee, _) = call.kind, Self.names.contains(callee),
                      let handle = call.arguments.first?.constantValue, UInt64(bitPattern: handle) & mask == mask else { continue }
                evidence.append(CodeEvidence(instruction: search.walker.text(of: call.site), address: call.site.address,
                                             section: image.section(at: call.site.address)?.name,
                                             fileOffset: image.fileOffset(of: call.site.address), function: record.name,
                                             note: "calls \(callee) with the handle RTLD_NEXT (-1)"))
                break
            }
        }
        return (evidence, sites.count)
    }
}
