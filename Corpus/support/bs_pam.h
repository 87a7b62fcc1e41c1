/*
 * Minimal PAM declarations for the Backsight corpus (written from the public PAM
 * module API documentation). Lets the PAM samples build for every architecture
 * without a cross libpam.
 */
#ifndef BS_PAM_H
#define BS_PAM_H

typedef struct pam_handle pam_handle_t;

#define PAM_SUCCESS      0
#define PAM_SERVICE_ERR  3
#define PAM_AUTH_ERR     7
#define PAM_USER_UNKNOWN 10
#define PAM_IGNORE       25

#define PAM_AUTHTOK      6

int pam_get_user(pam_handle_t *pamh, const char **user, const char *prompt);
int pam_get_authtok(pam_handle_t *pamh, int item, const char **authtok, const char *prompt);
int pam_get_item(const pam_handle_t *pamh, int item_type, const void **item);
void pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...);

#endif
