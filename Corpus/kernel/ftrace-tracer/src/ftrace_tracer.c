/*
 * Backsight corpus hard negative: kernel/ftrace-tracer  (compiled only, never loaded)
 *
 * An ftrace function tracer as the ftrace documentation describes one: a callback that counts
 * calls of one function, registered with FTRACE_OPS_FL_RECURSION only. It never asks for
 * IPMODIFY and never changes where the traced call goes.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "ftrace_tracer");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("ftrace_tracer");

extern int ftrace_set_filter(struct ftrace_ops *ops, unsigned char *buf, int len, int reset);

static ulong calls;
static unsigned char filter[] = "vfs_read";

static void count(ulong ip, ulong parent_ip, struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	(void)ip; (void)parent_ip; (void)op; (void)fregs;
	calls++;
}

static struct ftrace_ops ops = { .func = count, .flags = FTRACE_OPS_FL_RECURSION };

int init_module(void)
{
	ftrace_set_filter(&ops, filter, sizeof(filter) - 1, 1);
	return register_ftrace_function(&ops);
}

void cleanup_module(void)
{
	unregister_ftrace_function(&ops);
	_printk("\0016ftrace_tracer: %lu calls\n", calls);
}
