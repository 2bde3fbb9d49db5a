/*
 * dahdi-params: lab-only helper for Tools/dahdi-lab (never shipped).
 *
 *   dahdi-params CHANNO...
 *
 * Prints one line per channel with the fields of DAHDI_GET_PARAMS, read through
 * /dev/dahdi/ctl without opening the channel. It gives scenarios a ground truth
 * (hook state, signalling, channel alarms) to compare dahdi-doctor with.
 * Exit status: 0 if every channel could be read, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <dahdi/user.h>

int main(int argc, char **argv)
{
	const char *node = "/dev/dahdi/ctl";
	int fd, i, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: dahdi-params CHANNO...\n");
		return 2;
	}
	fd = open(node, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "dahdi-params: open %s: %s\n", node, strerror(errno));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		struct dahdi_params p;
		char *end = NULL;
		long n = strtol(argv[i], &end, 10);

		if (end == argv[i] || *end != '\0' || n < 1 || n > 1023) {
			fprintf(stderr, "dahdi-params: bad channel number '%s'\n", argv[i]);
			status = 1;
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.channo = (int)n;
		if (ioctl(fd, DAHDI_GET_PARAMS, &p) != 0) {
			fprintf(stderr, "dahdi-params: DAHDI_GET_PARAMS channel %ld: %s\n",
				n, strerror(errno));
			status = 1;
			continue;
		}
		p.name[sizeof(p.name) - 1] = '\0';
		printf("channo=%d spanno=%d chanpos=%d sigtype=0x%x sigcap=0x%x "
		       "rxisoffhook=%d rxhooksig=%d txhooksig=%d rxbits=%d txbits=%d "
		       "curlaw=%d chan_alarms=0x%x name=%s\n",
		       p.channo, p.spanno, p.chanpos, (unsigned)p.sigtype, (unsigned)p.sigcap,
		       p.rxisoffhook, p.rxhooksig, p.txhooksig, p.rxbits, p.txbits,
		       p.curlaw, (unsigned)p.chan_alarms, p.name);
	}
	close(fd);
	return status;
}
