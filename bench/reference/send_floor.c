/* send_floor: what the kernel alone costs per fan-out delivery on this machine.
 *
 * One send() of BYTES to each of N loopback TCP connections, RATE rounds a second for SECONDS,
 * the way the node sends one frame per subscriber and report; a child process on another core
 * drains the connections with epoll, as the subscribers do. Prints, as one JSON object, the
 * sender's CPU time per send (getrusage: user, which is only this loop, and system, which is
 * the kernel's TCP send path and, on loopback, the receiving side's TCP processing too).
 * No TLS and no WebSocket: whatever a server does per delivery comes on top of this.
 *
 *   send_floor CONNECTIONS BYTES RATE SECONDS [SENDER_CPU RECEIVER_CPU]
 *
 * Built and run by bench/references.sh (reference "send_floor").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void pin(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

static double seconds_of(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The subscribers: connect N times, then read until every connection has ended. */
static void receive_all(struct sockaddr_in const *at, int n) {
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    for (int i = 0; i < n; ++i) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr const *)at, sizeof *at) != 0) die("connect");
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = s};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) != 0) die("epoll_ctl");
    }
    static char buf[1 << 16];
    struct epoll_event events[256];
    for (int open = n; open > 0;) {
        int k = epoll_wait(ep, events, 256, -1);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) die("epoll_wait");
        for (int i = 0; i < k; ++i) {
            ssize_t got = read(events[i].data.fd, buf, sizeof buf);
            if (got <= 0) {
                close(events[i].data.fd);
                --open;
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 5 && argc != 7) {
        fprintf(stderr, "usage: send_floor CONNECTIONS BYTES RATE SECONDS [SENDER_CPU RECEIVER_CPU]\n");
        return 2;
    }
    int n = atoi(argv[1]), bytes = atoi(argv[2]);
    double rate = atof(argv[3]), secs = atof(argv[4]);
    int sender_cpu = argc == 7 ? atoi(argv[5]) : -1, receiver_cpu = argc == 7 ? atoi(argv[6]) : -1;
    if (n <= 0 || bytes <= 0 || rate <= 0 || secs <= 0) return 2;

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof at;
    if (listener < 0 || bind(listener, (struct sockaddr *)&at, sizeof at) != 0 || listen(listener, 4096) != 0 ||
        getsockname(listener, (struct sockaddr *)&at, &len) != 0)
        die("listen");

    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        pin(receiver_cpu);
        receive_all(&at, n);
        _exit(0);
    }
    pin(sender_cpu);
    int *conns = calloc((size_t)n, sizeof *conns);
    char *frame = malloc((size_t)bytes);
    if (!conns || !frame) die("malloc");
    memset(frame, 'x', (size_t)bytes);
    int one = 1;
    for (int i = 0; i < n; ++i) {
        conns[i] = accept(listener, NULL, NULL);
        if (conns[i] < 0) die("accept");
        setsockopt(conns[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  /* as the node's sockets */
    }

    long rounds = (long)(rate * secs), sends = 0;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    double start = now_s();
    for (long r = 0; r < rounds; ++r) {
        for (int i = 0; i < n; ++i) {
            if (send(conns[i], frame, (size_t)bytes, 0) != bytes) die("send");
            ++sends;
        }
        double next = start + (double)(r + 1) / rate, wait = next - now_s();
        if (wait > 0) {
            struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    double elapsed = now_s() - start;
    getrusage(RUSAGE_SELF, &after);
    for (int i = 0; i < n; ++i) close(conns[i]);
    waitpid(child, NULL, 0);

    double user = seconds_of(after.ru_utime) - seconds_of(before.ru_utime);
    double sys = seconds_of(after.ru_stime) - seconds_of(before.ru_stime);
    printf("{\"connections\":%d,\"bytes\":%d,\"rate_per_s\":%.1f,\"seconds\":%.3f,\"sends\":%ld,"
           "\"sys_us_per_send\":%.2f,\"user_us_per_send\":%.2f,\"cpu_us_per_send\":%.2f}\n",
           n, bytes, rate, elapsed, sends, sys * 1e6 / (double)sends, user * 1e6 / (double)sends,
           (sys + user) * 1e6 / (double)sends);
    return 0;
}
