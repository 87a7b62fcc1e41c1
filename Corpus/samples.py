"""The corpus build table: every compiled sample that is built in the variant matrix.

Read by build-matrix.py (which compiles each entry for each of its architectures in every
variant of VARIANTS) and by make-index.py (which indexes every variant of a sample with the
rules, verdict and properties written for it there, and records the variant). Adding a sample
is adding a Sample(...) line here and its index entry (add(...)) in make-index.py.

Paths: the base variant of a sample is <dir>/<arch>/<out> (the path rules and signatures have
always used); every other variant is <dir>/<arch>/<variant>/<out>.
"""
from typing import NamedTuple, Dict, Tuple

MAIN_ARCHS = ("x86_64", "aarch64", "armhf", "mipsel", "mips")
IFUNC_ARCHS = ("x86_64", "aarch64", "armhf")          # GCC and glibc have no IFUNC for MIPS


class Variant(NamedTuple):
    """One build configuration. `fp` and `ssp` are what the compiler is told
    ("default" = the compiler's own choice: GCC 12 omits the frame pointer from -O1 on and
    has no stack protector unless asked)."""
    name: str
    compiler: str      # gcc | clang
    linker: str        # bfd (GNU ld) | lld
    opt: str           # O0 | O2 | Os
    fp: str            # on | off | default
    ssp: str           # all | off | default
    stripped: bool     # -fvisibility=hidden and strip --strip-all

    @property
    def base(self):
        return self.name == VARIANTS[0].name

    def record(self, sample=None):
        """The variant as index.json records it (the base keeps the sample's own flags)."""
        args = sample.args if sample else ()
        opt, ssp, fp = self.opt, self.ssp, self.fp
        if self.base:
            opts = [a[1:] for a in args if a in ("-O0", "-O1", "-O2", "-O3", "-Os")]
            opt = opts[-1] if opts else opt
            ssp = "all" if "-fstack-protector-all" in args else "off"
            fp = "on" if opt == "O0" else "off"     # GCC keeps the frame pointer at -O0 only
        return {"name": self.name, "compiler": self.compiler, "linker": self.linker,
                "opt": opt, "fp": fp, "ssp": ssp,
                "stripped": self.stripped or bool(sample and sample.strip),
                "visibility": "hidden" if self.stripped else "default"}


# Every option appears on every architecture: gcc and clang, GNU ld and lld, -O0/-O2/-Os,
# frame pointer on and off, stack protector on and off, stripped with hidden visibility.
# The first entry is the base build (the flags the corpus always had; signatures match it).
VARIANTS = (
    Variant("gcc-O2", "gcc", "bfd", "O2", "default", "default", False),
    Variant("gcc-O0-fp-ssp", "gcc", "bfd", "O0", "on", "all", False),
    Variant("gcc-Os-nofp", "gcc", "bfd", "Os", "off", "off", False),
    Variant("clang-O2-lld", "clang", "lld", "O2", "off", "off", False),
    Variant("clang-O0-fp-ssp-lld", "clang", "lld", "O0", "on", "all", False),
    Variant("clang-Os-fp-lld", "clang", "lld", "Os", "on", "off", False),
    Variant("gcc-O2-stripped-hidden", "gcc", "bfd", "O2", "off", "off", True),
)


class Sample(NamedTuple):
    """A shared object built from C sources. `args` go to the compiler driver after the
    common flags, in order; "{loader}" is replaced by the path of the architecture's dynamic
    loader, "{libpam}" by the link-time libpam.so.0 stub. `arch_args` adds flags for one
    architecture (placed before `args`). A variant's own -O, frame-pointer and stack-protector
    flags come after `args`, so they override the sample's."""
    dir: str
    out: str
    args: Tuple[str, ...]
    archs: Tuple[str, ...] = MAIN_ARCHS
    soname: str = ""
    arch_args: Dict[str, Tuple[str, ...]] = {}
    strip: bool = False         # every variant stripped (the sample is about a stripped build)
    link: str = "shared"        # shared (a library) | pie (a dynamic executable) | static (an executable)
    variants: Tuple[str, ...] = ()   # the variants built (names in VARIANTS); empty: all

    def builds(self, variant):
        return variant.base or not self.variants or variant.name in self.variants

    def path(self, arch, variant):
        if variant.base:
            return "%s/%s/%s" % (self.dir, arch, self.out)
        return "%s/%s/%s/%s" % (self.dir, arch, variant.name, self.out)


def _s(dir, out, *args, **kw):
    return Sample(dir, out, tuple(args), **kw)


H = "preload/hider/src/hider.c"

PROGRAM_ARCHS = ("x86_64", "armhf", "mipsel")
# The static builds are large (static glibc): the base and one variant of another compiler
# and linker.
STATIC_VARIANTS = ("clang-Os-fp-lld",)
PROGRAMS = (  # directory, source and output name, extra libraries, also built static
    ("magic-packet-listener", "magic_listener", (), True),
    ("bind-shell", "bind_shell", (), True),
    ("reverse-shell", "reverse_shell", (), True),
    ("self-deleting-backdoor", "self_delete", (), True),
    ("history-wiping-shell", "history_wipe", (), True),
    ("shm-dropper", "shm_dropper", (), True),
    ("kthread-masquerade", "kthread_name", (), False),
    ("dhcp-like-client", "dhcp_client", (), False),
    ("telnetd-like", "telnetd_like", ("-lutil",), False),
    ("pty-multiplexer", "pty_mux", (), False),
    ("utmp-writer", "utmp_writer", (), False),
    ("history-shell", "history_shell", (), False),
    ("tmp-installer", "tmp_installer", (), False),
)


def _programs():
    out = []
    for dir, name, libs, static in PROGRAMS:
        source = "programs/%s/src/%s.c" % (dir, name)
        out.append(_s("programs/" + dir, name, source, *libs, archs=PROGRAM_ARCHS, link="pie"))
        if static:
            out.append(_s("programs/" + dir, name + "-static-stripped", source, *libs, archs=PROGRAM_ARCHS,
                          link="static", strip=True, variants=STATIC_VARIANTS))
    return out

SAMPLES = (
    # ---- xz / IFUNC family ----
    _s("ifunc/xz-got-hijack", "libcrc_hijack.so", "ifunc/xz-got-hijack/src/crc_hijack.c",
       archs=IFUNC_ARCHS),
    _s("ifunc/xz-stack-handoff", "libcrc_handoff.so", "-fstack-protector-all",
       "ifunc/xz-stack-handoff/src/crc_handoff.c", archs=IFUNC_ARCHS,
       arch_args={"x86_64": ("-Wa,-mrelax-relocations=no",)}),
    _s("ifunc/xz-audit-hook", "libcrc_audit.so", "ifunc/xz-audit-hook/src/crc_audit.c",
       "-Wl,--no-as-needed", "{loader}", archs=IFUNC_ARCHS),
    _s("ifunc/glibc-dispatch", "libdispatch.so", "ifunc/glibc-dispatch/src/dispatch.c",
       archs=IFUNC_ARCHS, soname="libdispatch.so.1"),
    _s("ifunc/loader-write-no-mprotect", "libcrc_ldwrite.so", "-DBS_NO_MPROTECT",
       "ifunc/xz-audit-hook/src/crc_audit.c", "-Wl,--no-as-needed", "{loader}", archs=IFUNC_ARCHS),
    _s("ifunc/xz-frame-handoff", "libcrc_frame.so", "ifunc/xz-frame-handoff/src/crc_frame.c",
       archs=IFUNC_ARCHS, strip=True),
    _s("ifunc/dispatch-cpuid-helper", "libdispatch_helper.so", "-O0", "-fstack-protector-all",
       "ifunc/dispatch-cpuid-helper/src/dispatch_helper.c", archs=IFUNC_ARCHS),
    _s("ifunc/ctor-got-rewrite", "libctor_rewrite.so", "ifunc/ctor-got-rewrite/src/ctor_rewrite.c"),
    # ---- userland preload ----
    _s("preload/rootkit", "libprocesshider.so", "preload/rootkit/src/rootkit.c"),
    _s("preload/rootkit-xor", "libhidexor.so", "-DBS_XOR_STRINGS", "preload/rootkit/src/rootkit.c"),
    _s("preload/selinux-masquerade", "libselinux.so.1", "preload/rootkit/src/rootkit.c"),
    _s("preload/fakeroot-like", "libfakeroot-sample.so", "preload/fakeroot-like/src/fakeroot_sample.c"),
    _s("preload/malloc-replacement", "libminimalloc.so", "preload/malloc-replacement/src/minimalloc.c"),
    # directory hiders: how the originals are fetched, export set, constructor, strings
    # (preload/hider/src/hider.c documents the BS_* switches)
    _s("preload/hider-minimal", "libminhide.so", "-DBS_FETCH=1", "-DBS_MINIMAL", H),
    _s("preload/hider-dlvsym", "libvhide.so", "-DBS_FETCH=2", "-DBS_CTOR", H),
    _s("preload/hider-dlopen-libc", "libohide.so", "-DBS_FETCH=3", "-DBS_CTOR", "-DBS_STRINGS=1", H),
    _s("preload/hider-dlopen-path", "libphide.so", "-DBS_FETCH=4", "-DBS_MINIMAL", "-DBS_STRINGS=2", H),
    _s("preload/hider-dlvsym-versions", "libbhide.so", "-DBS_FETCH=5", "-DBS_STRINGS=2", H),
    _s("preload/hider-syscall", "libshide.so", "-DBS_FETCH=6", H),
    _s("preload/hider-raw-syscall", "librhide.so", "-DBS_FETCH=7", "-DBS_CTOR", "-DBS_STRINGS=1", H),
    _s("preload/hider-dlsym-hook", "libdhide.so", "-DBS_FETCH=1", "-DBS_MINIMAL", "-DBS_HOOK_DLSYM",
       "-DBS_CTOR", "-DBS_STRINGS=1", H),
    # legitimate interposers (hard negatives)
    _s("preload/eatmydata-like", "libeatmydata-like.so", "preload/eatmydata-like/src/eatmydata_like.c"),
    _s("preload/proxychains-like", "libproxy-like.so", "preload/proxychains-like/src/proxy_like.c"),
    _s("preload/faketime-like", "libfaketime-like.so", "preload/faketime-like/src/faketime_like.c"),
    _s("preload/snoopy-like", "libsnoopy-like.so", "preload/snoopy-like/src/snoopy_like.c"),
    _s("preload/sanitizer-like", "libsanitizer-like.so", "-fno-builtin",
       "preload/sanitizer-like/src/sanitizer_like.c"),
    _s("preload/malloc-tracer", "libmalloc-tracer.so", "preload/malloc-tracer/src/malloc_tracer.c"),
    # ---- auth ----
    _s("auth/pam-master-password", "pam_backdoor.so", "auth/pam-master-password/src/pam_backdoor.c",
       "{libpam}"),
    _s("auth/pam-reads-file", "pam_filepass.so", "auth/pam-reads-file/src/pam_filepass.c", "{libpam}"),
    _s("auth/sshd-rsa-hook", "librsahook.so", "auth/sshd-rsa-hook/src/rsa_hook.c"),
    # ---- programs (executables; the BPF filters in src/*.h were compiled with tcpdump -dd) ----
    *_programs(),
    # ---- misc ----
    _s("crypto/minicrypto", "libminicrypto.so.1", "crypto/minicrypto/src/minicrypto.c",
       "-Wl,--version-script=crypto/minicrypto/src/minicrypto.map"),
    _s("misc/benign-constructor", "libbenignctor.so", "misc/benign-constructor/src/benign_ctor.c"),
)


def find(path):
    """(sample, arch, variant) of a built path, or None."""
    for s in SAMPLES:
        for a in s.archs:
            for v in VARIANTS:
                if s.builds(v) and s.path(a, v) == path:
                    return s, a, v
    return None
