// The library product re-exports the feature model and the rule types, so a consumer needs
// only `import Backsight`.
@_exported import BacksightELF
@_exported import BacksightLimits
@_exported import BacksightRules
