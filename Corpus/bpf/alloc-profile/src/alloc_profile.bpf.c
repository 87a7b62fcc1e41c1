/*
 * Backsight corpus sample: bpf/alloc-profile  (INERT - compiled only, never loaded)
 *
 * Hard negative for bpf-program-probes-authentication: a memleak-style profiler. Probes on
 * malloc and free (attached by the loader to libc at run time, the section names no function)
 * count outstanding bytes per process. A user-space probe, but on no authentication function.
 */
#include "../../src/bpfshape.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} outstanding SEC(".maps");

SEC("uprobe")
int count_malloc(struct pt_regs *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	u64 size = PT_REGS_PARM1(ctx);
	u64 *total = bpf_map_lookup_elem(&outstanding, &pid);
	u64 sum = size + (total ? *total : 0);
	bpf_map_update_elem(&outstanding, &pid, &sum, 0);
	return 0;
}

SEC("uprobe")
int count_free(struct pt_regs *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	(void)ctx;
	bpf_map_delete_elem(&outstanding, &pid);
	return 0;
}
