/*
 * Link-time stand-in for libpam.so.0 (Backsight corpus). Built into
 * Corpus/.build-tmp only, so the PAM samples get DT_NEEDED libpam.so.0 like real
 * modules do. Never shipped, never loaded.
 */
#include "bs_pam.h"

int pam_get_user(pam_handle_t *pamh, const char **user, const char *prompt)
{
	(void)pamh; (void)prompt;
	*user = 0;
	return PAM_SERVICE_ERR;
}

int pam_get_authtok(pam_handle_t *pamh, int item, const char **authtok, const char *prompt)
{
	(void)pamh; (void)item; (void)prompt;
	*authtok = 0;
	return PAM_SERVICE_ERR;
}

int pam_get_item(const pam_handle_t *pamh, int item_type, const void **item)
{
	(void)pamh; (void)item_type;
	*item = 0;
	return PAM_SERVICE_ERR;
}

void pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	(void)pamh; (void)priority; (void)fmt;
}
