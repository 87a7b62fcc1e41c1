// The library product re-exports the feature model, the code analysis and the rule types, so a consumer needs
// only `import Backsight`.
@_exported import BacksightCode
@_exported import BacksightELF
@_exported import BacksightLimits
@_exported import BacksightRules
@_exported import BacksightUnpack
