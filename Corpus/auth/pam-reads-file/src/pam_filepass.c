/*
 * Backsight corpus hard negative: auth/pam-reads-file  (compiled only)
 *
 * A PAM module that compares the password with a line read from a configuration
 * file (like pam_pwdfile-style modules do). The comparison operand comes from a
 * buffer filled at run time, never from a string literal, so it is not a
 * master-password backdoor.
 */
#include "bs_api.h"
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include "bs_pam.h"

#define DEFAULT_FILE "/etc/security/filepass.conf"

static const char *option_file(int argc, const char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "file=", 5) == 0)
			return argv[i] + 5;
	return DEFAULT_FILE;
}

/* Look up "user:password" lines. */
static int lookup(const char *path, const char *user, char *out, size_t outlen)
{
	char line[512];
	size_t ulen = strlen(user);
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, user, ulen) == 0 && line[ulen] == ':') {
			snprintf(out, outlen, "%s", line + ulen + 1);
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

BS_API int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *user = NULL, *password = NULL;
	char expected[256];
	(void)flags;

	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || !user)
		return PAM_USER_UNKNOWN;
	if (pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL) != PAM_SUCCESS || !password)
		return PAM_AUTH_ERR;
	if (!lookup(option_file(argc, argv), user, expected, sizeof expected)) {
		pam_syslog(pamh, LOG_NOTICE, "no entry for %s", user);
		return PAM_USER_UNKNOWN;
	}
	return strcmp(password, expected) == 0 ? PAM_SUCCESS : PAM_AUTH_ERR;
}

BS_API int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh; (void)flags; (void)argc; (void)argv;
	return PAM_SUCCESS;
}
