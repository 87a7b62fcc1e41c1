/*
 * Backsight corpus sample: the bpf loaders (bpf/SAMPLE/ARCH/SAMPLE-loader; INERT - compiled only, never run)
 *
 * The user-space half of an eBPF tool as libbpf skeletons build it: the whole eBPF object is a
 * byte array in read-only data (bpftool gen skeleton writes it as a string literal; Go's bpf2go
 * and Rust's aya embed the file the same way), handed to the kernel at start. Here the array is
 * only described to a BPF_OBJ_GET_INFO-shaped call, so the binary carries the object verbatim.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include SKELETON

/* Where the programs attach, for loaders that attach by name at run time. */
#ifndef ATTACH_TARGETS
#define ATTACH_TARGETS { "", "" }
#endif
static const char *const attach_targets[2] = ATTACH_TARGETS;

struct object_request { unsigned long long bytes; unsigned int size; unsigned int flags; };

int main(void)
{
	struct object_request request;
	memset(&request, 0, sizeof(request));
	request.bytes = (unsigned long long)(unsigned long)embedded_object;
	request.size = sizeof(embedded_object);
#ifdef SYS_bpf
	if (syscall(SYS_bpf, 15, &request, sizeof(request)) < 0)
		perror("bpf");
#endif
	printf("eBPF object of %u bytes for %s %s\n", request.size, attach_targets[0], attach_targets[1]);
	return 0;
}
