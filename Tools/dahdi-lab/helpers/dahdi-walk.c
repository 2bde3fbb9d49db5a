/*
 * dahdi-walk: lab-only helper for Tools/bench (never shipped).
 *
 *   dahdi-walk READS
 *
 * The floor for reading a DAHDI box: READS times (after one untimed warm-up read), open /dev/dahdi/ctl
 * read-only, DAHDI_GETVERSION, DAHDI_SPANSTAT for span 1, 2, ... until the kernel's totalspans have been seen
 * (EINVAL = no such span, skipped), DAHDI_GET_PARAMS for every channel of every span (bases from the running sum
 * of totalchans), close. The same read-only requests, in the same order, as dahdi-doctor's
 * DahdiScanner.readControl(); results are kept in static arrays and not decoded. Prints one line:
 *   bench=c-floor reads=N spans=S channels=C failures=F median_us=.. p90_us=.. min_us=.. mean_us=..
 * Exit status: 0 if /dev/dahdi/ctl could be opened, 1 otherwise; 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <dahdi/user.h>

#define MAX_SPAN 127
#define MAX_CHANNEL 1023

static struct dahdi_versioninfo version;
static struct dahdi_spaninfo spans[MAX_SPAN + 1];
static struct dahdi_params params[MAX_CHANNEL + 1];

struct walk { int ok, spans, channels, failures; };

static struct walk walk_once(void)
{
	struct walk w = { 0, 0, 0, 0 };
	int fd = open("/dev/dahdi/ctl", O_RDONLY);
	int n, expected = -1, base = 1, s;

	if (fd < 0)
		return w;
	w.ok = 1;
	if (ioctl(fd, DAHDI_GETVERSION, &version) != 0)
		w.failures++;
	for (n = 1; n <= MAX_SPAN; n++) {
		struct dahdi_spaninfo *si = &spans[w.spans];
		if (expected >= 0 && w.spans >= expected)
			break;
		memset(si, 0, sizeof(*si));
		si->spanno = n;
		if (ioctl(fd, DAHDI_SPANSTAT, si) != 0) {
			if (errno != EINVAL)
				w.failures++;
			continue;
		}
		expected = si->totalspans;
		w.spans++;
	}
	for (s = 0; s < w.spans; s++) {
		int c, end = base + spans[s].totalchans;
		for (c = base; c < end && c <= MAX_CHANNEL; c++) {
			struct dahdi_params *p = &params[w.channels];
			memset(p, 0, sizeof(*p));
			p->channo = c;
			if (ioctl(fd, DAHDI_GET_PARAMS, p) != 0) {
				if (errno != EINVAL)
					w.failures++;
				continue;
			}
			w.channels++;
		}
		base = end;
	}
	close(fd);
	return w;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double rank(const double *sorted, int count, double q)
{
	int i = (int)(q * count + 0.999999) - 1;
	if (i < 0)
		i = 0;
	if (i >= count)
		i = count - 1;
	return sorted[i];
}

int main(int argc, char **argv)
{
	char *end = NULL;
	long reads;
	double *us, sum = 0;
	struct walk first, w;
	int i, failures;

	if (argc != 2 || (reads = strtol(argv[1], &end, 10)) < 1 || reads > 100000 || *end != '\0') {
		fprintf(stderr, "usage: dahdi-walk READS (1-100000)\n");
		return 2;
	}
	us = calloc(reads, sizeof(*us));
	if (!us)
		return 1;
	first = walk_once();
	if (!first.ok) {
		fprintf(stderr, "dahdi-walk: open /dev/dahdi/ctl: %s\n", strerror(errno));
		return 1;
	}
	failures = first.failures;
	for (i = 0; i < reads; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		w = walk_once();
		clock_gettime(CLOCK_MONOTONIC, &b);
		us[i] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
		sum += us[i];
		if (w.failures > failures)
			failures = w.failures;
	}
	qsort(us, reads, sizeof(*us), cmp);
	printf("bench=c-floor reads=%ld control=opened spans=%d channels=%d failures=%d median_us=%.1f p90_us=%.1f min_us=%.1f mean_us=%.1f\n",
	       reads, first.spans, first.channels, failures, rank(us, reads, 0.5), rank(us, reads, 0.9), us[0],
	       sum / reads);
	return 0;
}
