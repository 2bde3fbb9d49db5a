#ifndef _GNU_SOURCE
#error You must define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include "CDahdi.h"

const unsigned long CDahdi_GETVERSION = DAHDI_GETVERSION;
const unsigned long CDahdi_SPANSTAT = DAHDI_SPANSTAT;
const unsigned long CDahdi_GET_PARAMS = DAHDI_GET_PARAMS;

const int CDahdi_SIG_FXSLS = DAHDI_SIG_FXSLS, CDahdi_SIG_FXSGS = DAHDI_SIG_FXSGS, CDahdi_SIG_FXSKS = DAHDI_SIG_FXSKS;
const int CDahdi_SIG_FXOLS = DAHDI_SIG_FXOLS, CDahdi_SIG_FXOGS = DAHDI_SIG_FXOGS, CDahdi_SIG_FXOKS = DAHDI_SIG_FXOKS;
const int CDahdi_SIG_HDLCRAW = DAHDI_SIG_HDLCRAW, CDahdi_SIG_HDLCFCS = DAHDI_SIG_HDLCFCS;
const int CDahdi_SIG_HDLCNET = DAHDI_SIG_HDLCNET, CDahdi_SIG_DACS_RBS = DAHDI_SIG_DACS_RBS;
const int CDahdi_SIG_HARDHDLC = DAHDI_SIG_HARDHDLC, CDahdi_SIG_MTP2 = DAHDI_SIG_MTP2;

/* The Swift decoders and the unit tests rely on these layouts (unchanged since DAHDI 2.4). */
_Static_assert(sizeof(struct dahdi_spaninfo) == 314, "dahdi_spaninfo ABI changed");
_Static_assert(offsetof(struct dahdi_spaninfo, alarms) == 64, "dahdi_spaninfo.alarms moved");
_Static_assert(offsetof(struct dahdi_spaninfo, spantype) == 308, "dahdi_spaninfo.spantype moved");
_Static_assert(sizeof(struct dahdi_params) == 136, "dahdi_params ABI changed");
_Static_assert(offsetof(struct dahdi_params, chan_alarms) == 132, "dahdi_params.chan_alarms moved");
_Static_assert(sizeof(struct dahdi_versioninfo) == 160, "dahdi_versioninfo ABI changed");
_Static_assert(DAHDI_SPANSTAT == 0xC13ADA0AUL, "DAHDI_SPANSTAT number changed");
_Static_assert(DAHDI_GET_PARAMS == 0xC088DA05UL, "DAHDI_GET_PARAMS number changed");
_Static_assert(DAHDI_GETVERSION == 0x80A0DA39UL, "DAHDI_GETVERSION number changed");

int CDahdi_getversion(int fd, struct dahdi_versioninfo *info) { return ioctl(fd, DAHDI_GETVERSION, info); }
int CDahdi_spanstat(int fd, struct dahdi_spaninfo *info) { return ioctl(fd, DAHDI_SPANSTAT, info); }
int CDahdi_get_params(int fd, struct dahdi_params *params) { return ioctl(fd, DAHDI_GET_PARAMS, params); }

int CDahdi_open_readonly(const char *path) { return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); }
