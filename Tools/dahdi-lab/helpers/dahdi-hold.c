/*
 * dahdi-hold: lab-only helper for Tools/dahdi-lab (never shipped). The lab's stand-in for a running Asterisk:
 * chan_dahdi opens every channel of chan_dahdi.conf when it loads and keeps it open while Asterisk runs, which
 * the kernel shows as "in use". This helper does the opening, nothing else (no hook change, no read or write).
 *
 *   dahdi-hold SECONDS CHANNELS...     CHANNELS: numbers or ranges, e.g. 1-16 25 26-28
 *
 * Binds one /dev/dahdi/channel descriptor per channel (DAHDI_SPECIFY), as chan_dahdi does. A channel the kernel
 * refuses (absent: ENXIO/EINVAL; unconfigured) is reported on stderr ("skip N: ...") and skipped, as
 * ignore_failed_channels would. Prints "ready N" (N channels held), then holds them for SECONDS, or until
 * SIGTERM/SIGINT, and exits 0. Exit 1 when no channel could be held, 2 on bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <dahdi/user.h>

#define MAX_HELD 1024

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int parse_long(const char *s, const char **end_out, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	*out = v;
	*end_out = end;
	return 0;
}

/* "N" or "N-M" with 1 <= N <= M <= 1023. */
static int parse_range(const char *s, long *first, long *last)
{
	const char *end;

	if (parse_long(s, &end, first) != 0)
		return -1;
	if (*end == '\0') {
		*last = *first;
	} else if (*end == '-') {
		if (parse_long(end + 1, &end, last) != 0 || *end != '\0')
			return -1;
	} else {
		return -1;
	}
	return (*first >= 1 && *last >= *first && *last <= 1023) ? 0 : -1;
}

int main(int argc, char **argv)
{
	static int fds[MAX_HELD];
	const char *end;
	long seconds, first, last, c;
	int held = 0, i;
	struct sigaction sa;
	time_t deadline;

	if (argc < 3 || parse_long(argv[1], &end, &seconds) != 0 || *end != '\0' || seconds < 0 || seconds > 86400) {
		fprintf(stderr, "usage: dahdi-hold SECONDS CHANNELS...   (SECONDS 0-86400; CHANNELS like 1-16 25)\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (parse_range(argv[i], &first, &last) != 0) {
			fprintf(stderr, "dahdi-hold: bad channel range '%s' (N or N-M, 1-1023)\n", argv[i]);
			return 2;
		}
		for (c = first; c <= last && held < MAX_HELD; c++) {
			int chan = (int)c;
			int fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK);

			if (fd < 0) {
				fprintf(stderr, "dahdi-hold: open /dev/dahdi/channel: %s\n", strerror(errno));
				return 1;
			}
			if (ioctl(fd, DAHDI_SPECIFY, &chan) != 0) {
				fprintf(stderr, "skip %d: DAHDI_SPECIFY: %s\n", chan, strerror(errno));
				close(fd);
				continue;
			}
			fds[held++] = fd;
		}
	}
	if (held == 0) {
		fprintf(stderr, "dahdi-hold: no channel could be held\n");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	printf("ready %d\n", held);
	fflush(stdout);

	deadline = time(NULL) + seconds;
	while (!stop_requested) {
		time_t now = time(NULL);
		if (now >= deadline)
			break;
		sleep((unsigned int)(deadline - now));
	}
	for (i = 0; i < held; i++)
		close(fds[i]);
	printf("released %d\n", held);
	fflush(stdout);
	return 0;
}
