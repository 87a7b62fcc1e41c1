/*
 * Backsight corpus hard negative: kernel/kprobe-tracer  (compiled only, never loaded)
 *
 * A kprobe used as intended: a pre-handler that counts calls of a function named by a module
 * parameter and prints the probed address. No symbol lookup, no writes to kernel text.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "kprobe_tracer");
MODINFO(vermagic, CORPUS_VERMAGIC);
MODINFO(parm, "symbol:function to probe (charp)");
DEFINE_THIS_MODULE("kprobe_tracer");

static char symbol[64] = "kernel_clone";
static ulong hits;

static int count_call(struct kprobe *p, struct pt_regs *regs)
{
	(void)regs;
	hits++;
	if ((hits & 0xfff) == 0)
		_printk("\0016kprobe_tracer: %lu calls of %s\n", hits, p->symbol_name);
	return 0;
}

static struct kprobe kp = { .pre_handler = count_call };

int init_module(void)
{
	int ret;
	kp.symbol_name = symbol;
	ret = register_kprobe(&kp);
	if (ret < 0)
		return ret;
	_printk("\0016kprobe_tracer: planted at %p\n", kp.addr);
	return 0;
}

void cleanup_module(void)
{
	unregister_kprobe(&kp);
}
