/*
 * Backsight corpus hard negative: kernel/livepatch-sample  (compiled only)
 *
 * Shaped like a kernel livepatch module (the kernel's own livepatch sample idea):
 * it replaces one function through the livepatch API (klp_enable_patch), which
 * uses ftrace redirection legitimately. No syscall table, no CR0 writes, no
 * credential calls. Relocatable object with .modinfo (livepatch=Y) and
 * .gnu.linkonce.this_module; never built against or loaded into a kernel.
 */
struct seq_file;
extern int seq_printf(struct seq_file *m, const char *fmt, ...);

struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; char rest[64]; };
struct klp_object { const char *name; struct klp_func *funcs; char rest[64]; };
struct klp_patch { void *mod; struct klp_object *objs; char rest[64]; };

extern int klp_enable_patch(struct klp_patch *patch);

#define MODINFO(tag, info) \
	static const char __modinfo_##tag[] \
	__attribute__((used, section(".modinfo"), aligned(1))) = #tag "=" info
MODINFO(license, "GPL");
MODINFO(livepatch, "Y");
MODINFO(name, "livepatch_sample");
MODINFO(vermagic, "6.1.0-corpus SMP preempt mod_unload modversions ");

int init_module(void);
void cleanup_module(void);

struct fake_module {
	char pad0[24];
	char name[56];
	char pad1[0x100];
	int (*init)(void);
	char pad2[0x200];
	void (*exit)(void);
};
struct fake_module __this_module
	__attribute__((section(".gnu.linkonce.this_module"), used)) = {
	.name = "livepatch_sample",
	.init = init_module,
	.exit = cleanup_module,
};

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	(void)v;
	seq_printf(m, "%s\n", "this has been live patched");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = livepatch_cmdline_proc_show },
	{ 0 }
};

static struct klp_object objs[] = {
	{ .name = 0, .funcs = funcs },   /* NULL name: vmlinux */
	{ 0 }
};

static struct klp_patch patch = {
	.mod = &__this_module,
	.objs = objs,
};

int init_module(void)
{
	return klp_enable_patch(&patch);
}

void cleanup_module(void)
{
}
