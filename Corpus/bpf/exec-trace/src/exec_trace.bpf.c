/*
 * Backsight corpus sample: bpf/exec-trace  (INERT - compiled only, never loaded)
 *
 * Hard negative for bpf-program-writes-user-memory: an execsnoop-style tracer. On entry to
 * execve it reads the program path and the caller's name from user memory and sends them to
 * user space through a ring buffer; it reads user memory, never writes it.
 */
#include "../../src/bpfshape.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} events SEC(".maps");

struct event { u32 pid; char comm[16]; char path[128]; };

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_exec(struct syscall_enter *ctx)
{
	struct event event = {};
	event.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(event.comm, sizeof(event.comm));
	bpf_probe_read_user_str(event.path, sizeof(event.path), (const void *)ctx->args[0]);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	return 0;
}
