/* CDahdi: what Swift cannot import from Debian's <dahdi/user.h> (package dahdi-source).
 * Constants, non-variadic wrappers and layout asserts only: no logic, no allocation, no strings. */
#ifndef CDAHDI_H
#define CDAHDI_H

#ifdef __linux__
#if __has_include(<dahdi/user.h>)
#include <dahdi/user.h>
#else
#error "<dahdi/user.h> not found: install Debian's dahdi-source package"
#endif

/* The only ioctl requests dahdi-doctor may issue: all read-only, all on /dev/dahdi/ctl. */
extern const unsigned long CDahdi_GETVERSION;
extern const unsigned long CDahdi_SPANSTAT;
extern const unsigned long CDahdi_GET_PARAMS;

/* Composite signalling macros (built from shifts of other macros) that Swift does not import. */
extern const int CDahdi_SIG_FXSLS, CDahdi_SIG_FXSGS, CDahdi_SIG_FXSKS;
extern const int CDahdi_SIG_FXOLS, CDahdi_SIG_FXOGS, CDahdi_SIG_FXOKS;
extern const int CDahdi_SIG_HDLCRAW, CDahdi_SIG_HDLCFCS, CDahdi_SIG_HDLCNET;
extern const int CDahdi_SIG_DACS_RBS, CDahdi_SIG_HARDHDLC, CDahdi_SIG_MTP2;

/* ioctl(2) and open(2) are variadic; Swift needs fixed signatures. One wrapper per permitted request, so no
 * other request can be issued from Swift: the kernel checks no permission on DAHDI ioctls, this shim does. */
int CDahdi_open_readonly(const char *path);
int CDahdi_getversion(int fd, struct dahdi_versioninfo *info);
int CDahdi_spanstat(int fd, struct dahdi_spaninfo *info);
int CDahdi_get_params(int fd, struct dahdi_params *params);

#endif /* __linux__ */
#endif /* CDAHDI_H */
