/*
 * A YARA rule set standing in for Backsight's byte/string patterns in Benchmarks/run.sh, until
 * the YARA file can be generated from Backsight's own rules. 24 string/hex patterns of the kind
 * Backsight's rules look for (symbol names used by loader hijacks and PAM/sshd backdoors,
 * preload/hiding artefacts, xz-backdoor markers, magic numbers), one rule per pattern so every
 * pattern is reported separately, plus the elf module (parsed for each ELF, as the reference
 * measurement in shared/MEASURING.md did). It is a cost model, not a detection rule set: many
 * of these strings occur in clean binaries.
 */
import "elf"

rule bs_elf_magic        { strings: $a = { 7F 45 4C 46 }                       condition: $a at 0 }
rule bs_xz_magic         { strings: $a = { FD 37 7A 58 5A 00 }                 condition: $a }
rule bs_rsa_public_decrypt { strings: $a = "RSA_public_decrypt"              condition: $a }
rule bs_rsa_get0_key     { strings: $a = "RSA_get0_key"                        condition: $a }
rule bs_evp_verify       { strings: $a = "EVP_DigestVerifyInit"                condition: $a }
rule bs_dl_iterate_phdr  { strings: $a = "dl_iterate_phdr"                     condition: $a }
rule bs_rtld_global_ro   { strings: $a = "_rtld_global_ro"                     condition: $a }
rule bs_libc_dlopen_mode { strings: $a = "__libc_dlopen_mode"                  condition: $a }
rule bs_la_symbind       { strings: $a = "la_symbind64"                        condition: $a }
rule bs_ld_so_preload    { strings: $a = "ld.so.preload"                       condition: $a }
rule bs_ld_preload_env   { strings: $a = "LD_PRELOAD="                         condition: $a }
rule bs_hello_marker     { strings: $a = "####Hello####"                       condition: $a }
rule bs_world_marker     { strings: $a = "####World####"                       condition: $a }
rule bs_pam_sm_auth      { strings: $a = "pam_sm_authenticate"                 condition: $a }
rule bs_pam_get_item     { strings: $a = "pam_get_item"                        condition: $a }
rule bs_readdir64        { strings: $a = "readdir64"                           condition: $a }
rule bs_proc_self_maps   { strings: $a = "/proc/self/maps"                     condition: $a }
rule bs_dev_shm          { strings: $a = "/dev/shm/."                          condition: $a }
rule bs_histfile         { strings: $a = "HISTFILE=/dev/null"                  condition: $a }
rule bs_sshd_authpasswd  { strings: $a = "mm_answer_authpassword"              condition: $a }
rule bs_sshd_keyallowed  { strings: $a = "mm_answer_keyallowed"                condition: $a }
rule bs_xz_test_name     { strings: $a = "bad-3-corrupt_lzma2.xz" wide ascii   condition: $a }
/* endbr64; push rbp; ... with wildcards: the shape of a hand-written IFUNC resolver prologue */
rule bs_ifunc_prologue   { strings: $a = { F3 0F 1E FA 55 48 89 F5 4C 89 CE 53 89 FB 81 E7 00 00 00 80 48 83 EC 28 48 89 54 24 18 48 89 4C 24 10 } condition: $a }
rule bs_cpuid_probe      { strings: $a = { 31 C0 0F A2 ?? 89 ?? 24 }           condition: $a and elf.type == elf.ET_DYN }
