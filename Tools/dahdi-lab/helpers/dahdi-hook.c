/*
 * dahdi-hook: lab-only helper for Tools/dahdi-lab (never shipped).
 *
 *   dahdi-hook CHANNO offhook|onhook SECONDS
 *
 * Binds /dev/dahdi/channel to CHANNO, sets the hook state, prints "ready",
 * then keeps the channel open for SECONDS (SIGTERM/SIGINT end the hold early,
 * still exiting 0). While it holds an fxsks/fxoks channel off-hook, the peer
 * channel of a dahdi_dynamic_loc pair reports rxisoffhook=1.
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

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	const char *node = "/dev/dahdi/channel";
	long channo, seconds;
	int chan, hook, fd;
	struct sigaction sa;
	time_t deadline;

	if (argc != 4) {
		fprintf(stderr, "usage: dahdi-hook CHANNO offhook|onhook SECONDS\n");
		return 2;
	}
	if (parse_int(argv[1], 1, 1023, &channo) != 0) {
		fprintf(stderr, "dahdi-hook: bad channel number '%s' (1-1023)\n", argv[1]);
		return 2;
	}
	if (strcmp(argv[2], "offhook") == 0) {
		hook = DAHDI_OFFHOOK;
	} else if (strcmp(argv[2], "onhook") == 0) {
		hook = DAHDI_ONHOOK;
	} else {
		fprintf(stderr, "dahdi-hook: bad hook state '%s' (offhook|onhook)\n", argv[2]);
		return 2;
	}
	if (parse_int(argv[3], 0, 86400, &seconds) != 0) {
		fprintf(stderr, "dahdi-hook: bad duration '%s' (0-86400 seconds)\n", argv[3]);
		return 2;
	}

	fd = open(node, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "dahdi-hook: open %s: %s\n", node, strerror(errno));
		return 1;
	}
	chan = (int)channo;
	if (ioctl(fd, DAHDI_SPECIFY, &chan) != 0) {
		fprintf(stderr, "dahdi-hook: DAHDI_SPECIFY channel %d: %s\n", chan, strerror(errno));
		close(fd);
		return 1;
	}
	if (ioctl(fd, DAHDI_HOOK, &hook) != 0) {
		fprintf(stderr, "dahdi-hook: DAHDI_HOOK %s on channel %d: %s\n",
			argv[2], chan, strerror(errno));
		close(fd);
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	printf("ready\n");
	fflush(stdout);

	deadline = time(NULL) + seconds;
	while (!stop_requested) {
		time_t now = time(NULL);
		if (now >= deadline)
			break;
		sleep((unsigned int)(deadline - now));
	}

	close(fd);
	printf("released\n");
	fflush(stdout);
	return 0;
}
