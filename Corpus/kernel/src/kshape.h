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

/* Packets and user-mode helpers (6.1): include/linux/netfilter.h, netdevice.h, umh.h, workqueue.h.
 * Only the members the samples set or read; the rest is padding. */
struct sk_buff;
struct net_device;
struct net;
extern struct net init_net;
struct nf_hook_state;
typedef unsigned int nf_hookfn(void *priv, struct sk_buff *skb, const struct nf_hook_state *state);
struct nf_hook_ops {
	nf_hookfn *hook;
	struct net_device *dev;
	void *priv;
	unsigned char pf;
	unsigned char hook_ops_type;
	unsigned int hooknum;
	int priority;
};
#define NFPROTO_IPV4 2
#define NF_INET_PRE_ROUTING 0
#define NF_INET_LOCAL_IN 1
#define NF_ACCEPT 1
#define NF_DROP 0
extern int nf_register_net_hook(struct net *net, const struct nf_hook_ops *ops);
extern void nf_unregister_net_hook(struct net *net, const struct nf_hook_ops *ops);
struct packet_type {
	unsigned short type;
	unsigned char ignore_outgoing;
	struct net_device *dev;
	void *dev_tracker;
	int (*func)(struct sk_buff *, struct net_device *, struct packet_type *, struct net_device *);
	char rest[64];
};
extern void dev_add_pack(struct packet_type *pt);
extern void dev_remove_pack(struct packet_type *pt);
extern int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len);
extern void kfree_skb_reason(struct sk_buff *skb, int reason);
struct subprocess_info;
#define UMH_NO_WAIT 0
#define UMH_WAIT_EXEC 1
#define UMH_WAIT_PROC 2
#define GFP_ATOMIC 0x820u
extern int call_usermodehelper(const char *path, char **argv, char **envp, int wait);
extern struct subprocess_info *call_usermodehelper_setup(const char *path, char **argv, char **envp, unsigned int gfp,
	int (*init)(struct subprocess_info *info, struct cred *new_cred), void (*cleanup)(struct subprocess_info *info), void *data);
extern int call_usermodehelper_exec(struct subprocess_info *info, int wait);
struct work_struct { long data; struct list_head entry; void (*func)(struct work_struct *); };
struct workqueue_struct;
extern struct workqueue_struct *system_wq;
extern int queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
#define WORK_CPU_UNBOUND 8192
struct notifier_block { int (*notifier_call)(struct notifier_block *, ulong, void *); struct notifier_block *next; int priority; };
extern int register_netdevice_notifier(struct notifier_block *nb);
extern int unregister_netdevice_notifier(struct notifier_block *nb);
extern int memcmp(const void *a, const void *b, size_t n);

#endif
