/*
 * Backsight corpus sample: kernel/event-shell  (INERT - compiled only, never loaded)
 *
 * Hard negative for kernel/packet-triggered-shell: a network-device notifier (interfaces going
 * up or down, not packets) runs a fixed script through `/bin/sh -c`, as vendor drivers start
 * their hotplug scripts. A shell from a user-mode helper, without a packet hook.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "event_shell");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("event_shell");

#define NETDEV_UP 1
#define NETDEV_DOWN 2

static int changed(struct notifier_block *block, ulong event, void *data)
{
	char *up[] = { "/bin/sh", "-c", "/etc/corpus/link-up.sh", NULL };
	char *down[] = { "/bin/sh", "-c", "/etc/corpus/link-down.sh", NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	(void)block; (void)data;
	if (event == NETDEV_UP)
		call_usermodehelper(up[0], up, envp, UMH_NO_WAIT);
	else if (event == NETDEV_DOWN)
		call_usermodehelper(down[0], down, envp, UMH_NO_WAIT);
	return 0;
}

static struct notifier_block block = { .notifier_call = changed };

int init_module(void)
{
	return register_netdevice_notifier(&block);
}

void cleanup_module(void)
{
	unregister_netdevice_notifier(&block);
}
