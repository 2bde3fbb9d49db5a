/*
 * socket-load: Tools/bench's load client for the agent's Unix socket (host side; never shipped).
 *
 *   socket-load SOCKET TARGET IN_FLIGHT TOTAL
 *
 * IN_FLIGHT threads, each a closed loop: connect (blocking, so a full listen backlog makes it wait rather than
 * fail), send `GET TARGET HTTP/1.1`, read the response to EOF, record the latency from connect to EOF, repeat until
 * TOTAL requests have been started; so IN_FLIGHT requests are in flight at any moment. All threads start together
 * (a barrier). Prints one line:
 *   in_flight=N requests=T answered=A status_200=.. status_503=.. other_status=.. busy=B errors=E p50_us=..
 *   p99_us=.. max_us=.. wall_s=.. per_s=..
 * busy = 503 responses whose body says "too many connections" (the agent's connection cap); errors = connect,
 * send or receive failures (10 s receive timeout) and responses without an HTTP status line. The first error
 * of each kind goes to stderr. Exit status 0 when it ran (whatever it measured), 2 for a usage error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_un addr;
static char request[512];
static size_t request_len;
static long total;
static atomic_long started, answered, st200, st503, other, busy, errors, nlat;
static atomic_int reported_connect, reported_io, reported_parse;
static double *latencies;
static pthread_barrier_t barrier;

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void report_once(atomic_int *flag, const char *what, int err)
{
	if (atomic_exchange(flag, 1) == 0)
		fprintf(stderr, "socket-load: first %s error: %s\n", what, strerror(err));
}

static void one_request(void)
{
	char buf[65536];
	size_t have = 0;
	ssize_t n;
	struct timeval tv = { 10, 0 };
	double t0 = now_us();
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int code = 0;

	if (fd < 0) {
		report_once(&reported_connect, "socket", errno);
		atomic_fetch_add(&errors, 1);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		report_once(&reported_connect, "connect", errno);
		atomic_fetch_add(&errors, 1);
		close(fd);
		return;
	}
	if (send(fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) {
		report_once(&reported_io, "send", errno);
		atomic_fetch_add(&errors, 1);
		close(fd);
		return;
	}
	for (;;) {
		/* keep the head (status line, body start) and discard the rest of a long body */
		n = recv(fd, buf + have, have < 4096 ? sizeof(buf) - have : sizeof(buf) - 4096, 0);
		if (n < 0) {
			report_once(&reported_io, "recv", errno);
			atomic_fetch_add(&errors, 1);
			close(fd);
			return;
		}
		if (n == 0)
			break;
		have = have < 4096 ? have + n : 4096;
	}
	close(fd);
	buf[have < sizeof(buf) ? have : sizeof(buf) - 1] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1) {
		report_once(&reported_parse, "response", EPROTO);
		atomic_fetch_add(&errors, 1);
		return;
	}
	atomic_fetch_add(&answered, 1);
	if (code == 200)
		atomic_fetch_add(&st200, 1);
	else if (code == 503) {
		atomic_fetch_add(&st503, 1);
		if (strstr(buf, "too many connections"))
			atomic_fetch_add(&busy, 1);
	} else
		atomic_fetch_add(&other, 1);
	latencies[atomic_fetch_add(&nlat, 1)] = now_us() - t0;
}

static void *worker(void *unused)
{
	(void)unused;
	pthread_barrier_wait(&barrier);
	while (atomic_fetch_add(&started, 1) < total)
		one_request();
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double rank(double q, long n)
{
	long i = (long)(q * n + 0.999999) - 1;
	return n == 0 ? 0 : latencies[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int main(int argc, char **argv)
{
	long in_flight, i, n;
	pthread_t *threads;
	pthread_attr_t attr;
	double t0, wall;
	struct rlimit rl;

	if (argc != 5 || (in_flight = atol(argv[3])) < 1 || in_flight > 10000 || (total = atol(argv[4])) < in_flight ||
	    strlen(argv[1]) >= sizeof(addr.sun_path) || strlen(argv[2]) > 200) {
		fprintf(stderr, "usage: socket-load SOCKET TARGET IN_FLIGHT(1-10000) TOTAL(>=IN_FLIGHT)\n");
		return 2;
	}
	/* one descriptor per request in flight, plus a margin */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)in_flight + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)in_flight + 64 ? rl.rlim_max : (rlim_t)in_flight + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, argv[1]);
	request_len = snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n", argv[2]);
	latencies = calloc(total, sizeof(*latencies));
	threads = calloc(in_flight, sizeof(*threads));
	if (!latencies || !threads)
		return 1;
	pthread_barrier_init(&barrier, NULL, in_flight + 1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (i = 0; i < in_flight; i++)
		if (pthread_create(&threads[i], &attr, worker, NULL) != 0) {
			fprintf(stderr, "socket-load: cannot start thread %ld\n", i);
			return 1;
		}
	t0 = now_us();
	pthread_barrier_wait(&barrier);
	for (i = 0; i < in_flight; i++)
		pthread_join(threads[i], NULL);
	wall = (now_us() - t0) / 1e6;
	n = atomic_load(&nlat);
	qsort(latencies, n, sizeof(*latencies), cmp);
	printf("in_flight=%ld requests=%ld answered=%ld status_200=%ld status_503=%ld other_status=%ld busy=%ld errors=%ld "
	       "p50_us=%.0f p99_us=%.0f max_us=%.0f wall_s=%.2f per_s=%.0f\n",
	       in_flight, total, atomic_load(&answered), atomic_load(&st200), atomic_load(&st503), atomic_load(&other),
	       atomic_load(&busy), atomic_load(&errors), rank(0.5, n), rank(0.99, n), n ? latencies[n - 1] : 0, wall,
	       total / wall);
	return 0;
}
