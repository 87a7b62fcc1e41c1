/*
 * Backsight corpus sample: kernel/packet-helper  (INERT - compiled only, never loaded)
 *
 * Hard negative for kernel/packet-triggered-shell: a netfilter hook counts packets to a local
 * port and, past a threshold, runs the administrator's own helper program (a fixed path, no
 * shell, no packet bytes in its arguments) the way bridge.ko starts /sbin/bridge-stp. A packet
 * hook and a user-mode helper together, without a command interpreter.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "packet_helper");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("packet_helper");

static unsigned long seen;
static struct work_struct notify_work;

static void notify(struct work_struct *work)
{
	char *argv[] = { "/usr/sbin/corpus-flood-report", "threshold", NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin", NULL };
	(void)work;
	call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
}

static unsigned int count(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	(void)priv; (void)skb; (void)state;
	if (++seen % 100000 == 0) {
		notify_work.func = notify;
		queue_work_on(WORK_CPU_UNBOUND, system_wq, &notify_work);
	}
	return NF_ACCEPT;
}

static struct nf_hook_ops ops = {
	.hook = count,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_IN,
};

int init_module(void)
{
	return nf_register_net_hook(&init_net, &ops);
}

void cleanup_module(void)
{
	nf_unregister_net_hook(&init_net, &ops);
}
