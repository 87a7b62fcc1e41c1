/// Names the code analysis recognises, by what they mean. Facts, not rules: which functions
/// compare strings, which data belongs to the dynamic loader, which code probes the CPU.
enum KnownSymbols {
    /// Dynamic-loader state and the functions that walk it.
    static func isLoaderInternal(_ name: String) -> Bool {
        name == "_r_debug" || name == "_r_debug_extended" || name.hasPrefix("_rtld_global") || name.hasPrefix("_dl_")
            || name == "dl_iterate_phdr" || name.contains("link_map")
    }

    /// Loader data whose bit tests mean "which CPU is this": glibc keeps the CPU features in
    /// `_rtld_global_ro`, libgcc in `__cpu_model`.
    static func isCPUFeatureData(_ name: String) -> Bool {
        cpuFeatureData.contains(name) || name.hasPrefix("_dl_x86_cpu_features") || name.hasPrefix("__x86_cpu_features")
    }

    private static let cpuFeatureData: Set<String> = [
        "_rtld_global_ro", "__cpu_model", "__cpu_features", "__cpu_features2", "_dl_hwcap", "_dl_hwcap2",
        "_dl_x86_cpu_features", "__aarch64_cpu_features", "__aarch64_have_lse_atomics", "__x86_shared_non_temporal_threshold",
        "_dl_arm_cpu_features", "__hwcap", "_dl_hwcap_mask",
    ]

    /// Functions that return CPU features or hardware capabilities.
    static let cpuFeatureFunctions: Set<String> = [
        "getauxval", "__getauxval", "__getauxval2", "elf_aux_info", "__cpu_indicator_init", "__init_cpu_features",
        "init_cpu_features", "__init_cpu_features_resolver", "__x86_get_cpu_features", "_dl_x86_get_cpu_features",
        "__get_cpu_features", "__builtin_cpu_init", "__x86_cpu_features", "init_have_lse_atomics",
    ]

    static let mprotect: Set<String> = ["mprotect", "__mprotect", "pkey_mprotect"]

    static let stackProtector: Set<String> = ["__stack_chk_guard", "__stack_chk_fail", "__stack_chk_fail_local"]

    static let symbolLookup: Set<String> = ["dlsym", "__libc_dlsym", "dlvsym"]

    /// String and memory comparisons (the password check of a PAM module).
    static let comparisons: Set<String> = [
        "strcmp", "strncmp", "memcmp", "bcmp", "strcasecmp", "strncasecmp", "timingsafe_bcmp", "CRYPTO_memcmp",
    ]

    /// PAM calls that hand back the password: `(pamh, item, &out, …)`; the item must be
    /// `PAM_AUTHTOK` (6) or `PAM_OLDAUTHTOK` (7).
    static let authenticationTokenGetters: Set<String> = ["pam_get_authtok", "pam_get_item", "pam_get_authtok_noverify", "pam_get_authtok_verify"]

    /// Exported functions analysed like resolvers because their code decides who gets in.
    static let authenticationEntryPoints: Set<String> = ["pam_sm_authenticate", "pam_authenticate"]

    /// What the toolchain's own start-up code imports (crtstuff, crti): a constructor that
    /// calls nothing else is boilerplate.
    static let toolchainImports: Set<String> = [
        "__gmon_start__", "_ITM_registerTMCloneTable", "_ITM_deregisterTMCloneTable", "__cxa_finalize",
        "__register_frame_info", "__deregister_frame_info", "_Jv_RegisterClasses",
    ]

    /// Names of the toolchain's own start-up functions.
    static let toolchainFunctions: Set<String> = [
        "frame_dummy", "register_tm_clones", "deregister_tm_clones", "__do_global_dtors_aux", "__do_global_ctors_aux",
        "_init", "_fini", "call_weak_fn", "__libc_csu_init", "init_have_lse_atomics",
    ]
}
