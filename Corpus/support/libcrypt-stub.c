/*
 * Link-time stand-in for libcrypt.so.1 (Backsight corpus): the cross sysroots lack libxcrypt.
 * Built into a temporary directory only, so the daemon samples get DT_NEEDED libcrypt.so.1 like
 * real ones do. Never shipped, never loaded.
 */
char *crypt(const char *phrase, const char *setting)
{
	(void)phrase; (void)setting;
	return 0;
}
