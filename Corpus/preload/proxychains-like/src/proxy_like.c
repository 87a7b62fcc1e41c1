/*
 * Backsight corpus hard negative: preload/proxychains-like  (compiled only)
 *
 * A proxychains/torsocks-style preload library: connect and name resolution go through a
 * SOCKS proxy named in a configuration file read by the constructor. Like torsocks, it opens
 * libc explicitly (dlopen("libc.so.6")) and takes the originals with dlsym(handle, name).
 * Plain strings; hides nothing.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char proxy_like_ident[] = "libproxy-like: sends connections through a SOCKS proxy (Backsight corpus hard negative)";

static void *libc;
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_getaddrinfo)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
static void (*real_freeaddrinfo)(struct addrinfo *);
static struct hostent *(*real_gethostbyname)(const char *);
static int (*real_close)(int);
static char proxy_host[64] = "127.0.0.1";
static int proxy_port = 9050;

__attribute__((constructor)) static void proxy_init(void)
{
	libc = dlopen("libc.so.6", RTLD_LAZY);
	if (!libc)
		return;
	*(void **)&real_connect = dlsym(libc, "connect");
	*(void **)&real_getaddrinfo = dlsym(libc, "getaddrinfo");
	*(void **)&real_freeaddrinfo = dlsym(libc, "freeaddrinfo");
	*(void **)&real_gethostbyname = dlsym(libc, "gethostbyname");
	*(void **)&real_close = dlsym(libc, "close");
	const char *conf = getenv("PROXY_LIKE_CONF");
	FILE *f = fopen(conf ? conf : "/etc/proxy-like.conf", "r");
	if (!f)
		return;
	char line[128];
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "socks5 %63s %d", proxy_host, &proxy_port) == 2)
			break;
	fclose(f);
}

BS_API int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (!real_connect)
		return -1;
	/* A real tool would connect to proxy_host:proxy_port and speak SOCKS5 here. */
	return real_connect(fd, addr, len);
}

BS_API int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	return real_getaddrinfo ? real_getaddrinfo(node, service, hints, res) : EAI_FAIL;
}

BS_API void freeaddrinfo(struct addrinfo *res)
{
	if (real_freeaddrinfo)
		real_freeaddrinfo(res);
}

BS_API struct hostent *gethostbyname(const char *name)
{
	return real_gethostbyname ? real_gethostbyname(name) : NULL;
}

BS_API int close(int fd)
{
	return real_close ? real_close(fd) : -1;
}
