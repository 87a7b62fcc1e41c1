/*
 * Backsight corpus: kshape.h  (shared by the kernel/ samples; compiled only, never loaded)
 *
 * The few kernel types and declarations the module samples need, written here so the samples
 * build freestanding (no kernel headers) for x86-64 and AArch64. Layouts follow the public
 * Linux 6.1 definitions where a fact depends on them (struct module's list node right after
 * its state, the kprobe's symbol_name, ftrace_ops' flags as its third word); the rest is
 * padding. Nothing here is taken from any rootkit.
 */
#ifndef KSHAPE_H
#define KSHAPE_H

typedef unsigned long ulong;
typedef unsigned long size_t;
#define NULL ((void *)0)

struct list_head { struct list_head *next, *prev; };
struct hlist_node { struct hlist_node *next, **pprev; };
struct kobject { const char *name; struct list_head entry; struct kobject *parent; char rest[40]; };

/* include/linux/module.h: state, then the node in the kernel's module list. */
struct module {
	int state;
	struct list_head list;
	char name[56];
	struct { struct kobject kobj; void *mod; } mkobj;
	char pad[0x100];
	int (*init)(void);
	char pad2[0x200];
	void (*exit)(void);
};
extern struct module __this_module;
#define THIS_MODULE (&__this_module)

#define MODINFO(tag, info) \
	static const char __modinfo_##tag[] \
	__attribute__((used, section(".modinfo"), aligned(1))) = #tag "=" info

#define DEFINE_THIS_MODULE(modname) \
	int init_module(void); \
	void cleanup_module(void); \
	struct module __this_module \
	__attribute__((section(".gnu.linkonce.this_module"), used)) = { \
		.name = modname, .init = init_module, .exit = cleanup_module, }

#if defined(__x86_64__)
#define CORPUS_VERMAGIC "6.1.0-corpus SMP preempt mod_unload modversions "
#else
#define CORPUS_VERMAGIC "6.1.0-corpus SMP preempt mod_unload modversions aarch64"
#endif

/* include/linux/kprobes.h (6.1): symbol_name follows addr. */
struct pt_regs;
struct kprobe;
typedef int (*kprobe_pre_handler_t)(struct kprobe *, struct pt_regs *);
struct kprobe {
	struct hlist_node hlist;
	struct list_head list;
	ulong nmissed;
	void *addr;
	const char *symbol_name;
	unsigned int offset;
	kprobe_pre_handler_t pre_handler;
	void *post_handler;
	char rest[48];
};
extern int register_kprobe(struct kprobe *p);
extern void unregister_kprobe(struct kprobe *p);

/* include/linux/ftrace.h (6.1). */
struct ftrace_ops;
struct ftrace_regs;
typedef void (*ftrace_func_t)(ulong ip, ulong parent_ip, struct ftrace_ops *op, struct ftrace_regs *fregs);
struct ftrace_ops {
	ftrace_func_t func;
	struct ftrace_ops *next;
	ulong flags;
	void *private;
	char rest[96];
};
#define FTRACE_OPS_FL_SAVE_REGS (1ul << 2)
#define FTRACE_OPS_FL_RECURSION (1ul << 4)
#define FTRACE_OPS_FL_IPMODIFY (1ul << 12)
extern int ftrace_set_filter_ip(struct ftrace_ops *ops, ulong ip, int remove, int reset);
extern int register_ftrace_function(struct ftrace_ops *ops);
extern int unregister_ftrace_function(struct ftrace_ops *ops);

/* The saved instruction pointer in struct pt_regs (ftrace_regs wraps it). */
#if defined(__x86_64__)
struct pt_regs { ulong r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
#define REGS_IP(r) ((r)->ip)
#define REGS_ARG1(r) ((r)->di)
#define REGS_ARG2(r) ((r)->si)
#else
struct pt_regs { ulong regs[31]; ulong sp; ulong pc; ulong pstate; ulong orig_x0; };
#define REGS_IP(r) ((r)->pc)
#define REGS_ARG1(r) ((r)->regs[0])
#define REGS_ARG2(r) ((r)->regs[1])
#endif

struct cred;
extern struct cred *prepare_kernel_cred(void *daemon);
extern int commit_creds(struct cred *new_creds);
extern int _printk(const char *fmt, ...);
extern void kobject_del(struct kobject *kobj);
extern void __list_del_entry_valid(struct list_head *entry);

struct page;
extern struct page *vmalloc_to_page(const void *addr);
extern int is_vmalloc_addr(const void *addr);
extern void *vmap(struct page **pages, unsigned int count, ulong flags, ulong prot);
extern void vunmap(const void *addr);
extern int stop_machine(int (*fn)(void *), void *data, const void *cpus);
extern void *memcpy(void *dst, const void *src, size_t n);

static inline void corpus_list_del(struct list_head *entry)
{
	__list_del_entry_valid(entry);
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	entry->next = (struct list_head *)0x100;
	entry->prev = (struct list_head *)0x122;
}

#endif
