/*
 * A fixed-rate loopback HTTP/1.1 load generator in C, for the bench's tail figures (bench/run.ts builds it with the
 * system C compiler and runs it as its own process). One thread, epoll, keep-alive sockets, no pipelining.
 *
 *   fixed-rate -u http://127.0.0.1:3000/api/v1/units/… -r 4000 -s 8 -c 32 [-m POST] [-H 'name: value']… [-b body]
 *
 * Request i is due at start + i / rate (one schedule for the whole run, wrk2's idea): when it is due it goes out on an
 * idle connection, or waits, in order, for the first one to become free; its latency is measured from the moment it
 * was due, not from when it was written, so a stall of the service shows in the tail instead of slowing the sender
 * down (coordinated omission; h2load --rps and hey measure from the write, and h2load -d sends one fixed body). `{n}`
 * in the body is replaced by the request's sequence number (distinct respondents).
 *
 * Prints one JSON line (latencies in ms):
 *   {sent, completed, non2xx, errors, rate, p50, p90, p99, max, lateP50, lateP99, waitP99, cpuMs}
 * late…: how late this generator noticed a request was due (its own timer and CPU: the machine's share of the tail);
 * waitP99: due → written, which adds the wait for a free connection; cpuMs: this process's user+system CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 32
#define DRAIN_NS (10LL * 1000000000LL) /* after the last request is due, wait at most this long for answers */

enum state { IDLE, BUSY, DEAD };

struct conn {
  int fd;
  enum state state;
  long req;          /* the request in flight */
  char *wbuf;        /* the request being written */
  size_t wlen, woff;
  char *rbuf;        /* the response read so far */
  size_t rlen, rcap;
  int listed;        /* on the idle stack */
  int armed;         /* waits for EPOLLOUT */
};

static struct addrinfo *addr;
static char *method = "GET", *host, *path, *body;
static char *headers[MAX_HEADERS];
static int nheaders;
static double rate = 100, seconds = 1;
static int nconns = 32;
static int64_t quantum; /* ns: requests due within one quantum go out together at its start */

static struct conn *conns;
static int *idle, nidle;
static int64_t *due_lat;   /* per request: latency from due (ns), -1 until answered */
static int64_t *late, *wait_;
static long total, sent, completed, non2xx, errors;
static int ep;

static double interval;
static int64_t start;

/* When request n is due: on the exact schedule, or at the start of the quantum it falls in. */
static int64_t due(long n) {
  int64_t t = (int64_t)((double)n * interval);
  if (quantum > 0) t -= t % quantum;
  return start + t;
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "fixed-rate: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void parse_url(const char *url) {
  if (strncmp(url, "http://", 7) != 0) {
    fprintf(stderr, "fixed-rate: only http:// URLs\n");
    exit(2);
  }
  const char *h = url + 7, *slash = strchr(h, '/');
  host = strndup(h, slash ? (size_t)(slash - h) : strlen(h));
  path = strdup(slash ? slash : "/");
  char *colon = strrchr(host, ':');
  char *name = strndup(host, colon ? (size_t)(colon - host) : strlen(host));
  const char *port = colon ? colon + 1 : "80";
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  int rc = getaddrinfo(name, port, &hints, &addr);
  if (rc != 0) {
    fprintf(stderr, "fixed-rate: %s: %s\n", name, gai_strerror(rc));
    exit(2);
  }
  free(name);
}

static void push_idle(int i) {
  if (conns[i].listed) return;
  conns[i].listed = 1;
  idle[nidle++] = i;
}

static void open_conn(int i) {
  struct conn *c = &conns[i];
  c->fd = socket(addr->ai_family, SOCK_STREAM, 0);
  if (c->fd < 0) die("socket");
  /* A blocking connect: loopback answers at once, and the schedule has not started yet or is already late. */
  if (connect(c->fd, addr->ai_addr, addr->ai_addrlen) != 0) {
    close(c->fd);
    c->fd = -1;
    c->state = DEAD;
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) die("epoll_ctl");
  c->state = IDLE;
  c->rlen = 0;
  c->armed = 0;
  push_idle(i);
}

/* The request's bytes: the method, path, Host, the -H headers and the body with every {n} replaced. */
static size_t build(long n, char **out) {
  static char *buf;
  static size_t cap;
  char num[24];
  int numlen = snprintf(num, sizeof num, "%ld", n);
  size_t blen = 0;
  if (body)
    for (const char *p = body; *p;) {
      const char *hit = strstr(p, "{n}");
      if (!hit) {
        blen += strlen(p);
        break;
      }
      blen += (size_t)(hit - p) + (size_t)numlen;
      p = hit + 3;
    }
  size_t need = strlen(method) + strlen(path) + strlen(host) + blen + 128;
  for (int i = 0; i < nheaders; i++) need += strlen(headers[i]) + 2;
  if (need > cap) {
    cap = need * 2;
    buf = realloc(buf, cap);
  }
  size_t len = (size_t)sprintf(buf, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, host);
  for (int i = 0; i < nheaders; i++) len += (size_t)sprintf(buf + len, "%s\r\n", headers[i]);
  if (body) len += (size_t)sprintf(buf + len, "Content-Length: %zu\r\n", blen);
  len += (size_t)sprintf(buf + len, "\r\n");
  if (body)
    for (const char *p = body; *p;) {
      const char *hit = strstr(p, "{n}");
      size_t k = hit ? (size_t)(hit - p) : strlen(p);
      memcpy(buf + len, p, k);
      len += k;
      if (!hit) break;
      memcpy(buf + len, num, (size_t)numlen);
      len += (size_t)numlen;
      p = hit + 3;
    }
  *out = buf;
  return len;
}

static void fail_conn(int i) {
  struct conn *c = &conns[i];
  if (c->state == BUSY) errors++;
  if (c->fd >= 0) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
  }
  c->fd = -1;
  c->state = DEAD;
  open_conn(i); /* a fresh socket for the rest of the run, if the server still accepts */
}

static void flush(int i) {
  struct conn *c = &conns[i];
  while (c->woff < c->wlen) {
    ssize_t k = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
    if (k < 0) {
      if (errno == EAGAIN) {
        if (!c->armed) {
          struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
          epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
          c->armed = 1;
        }
        return;
      }
      if (errno == EINTR) continue;
      fail_conn(i);
      return;
    }
    c->woff += (size_t)k;
  }
  if (c->armed) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->armed = 0;
  }
}

static void dispatch(int i, long n, int64_t now) {
  struct conn *c = &conns[i];
  char *req;
  size_t len = build(n, &req);
  c->wbuf = realloc(c->wbuf, len);
  memcpy(c->wbuf, req, len);
  c->wlen = len;
  c->woff = 0;
  c->req = n;
  c->state = BUSY;
  wait_[n] = now;
  sent++;
  flush(i);
}

/* A header's value in [start, end) (case-insensitive name), or NULL. */
static const char *header(const char *start, const char *end, const char *name, size_t *vlen) {
  size_t nlen = strlen(name);
  for (const char *line = start; line < end;) {
    const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
    if (!eol) eol = end;
    if ((size_t)(eol - line) > nlen && line[nlen] == ':' && strncasecmp(line, name, nlen) == 0) {
      const char *v = line + nlen + 1;
      while (v < eol && (*v == ' ' || *v == '\t')) v++;
      *vlen = (size_t)(eol - v);
      return v;
    }
    line = eol + 2;
  }
  return NULL;
}

/* How many bytes of rbuf the response takes when it is complete, 0 while it is not, -1 when it cannot be parsed. */
static long complete(struct conn *c, int *status, int *close_after) {
  char *r = c->rbuf;
  char *eoh = memmem(r, c->rlen, "\r\n\r\n", 4);
  if (!eoh) return 0;
  if (c->rlen < 12 || strncmp(r, "HTTP/1.", 7) != 0) return -1;
  *status = atoi(r + 9);
  const char *hs = memchr(r, '\n', (size_t)(eoh - r)) + 1, *he = eoh + 2;
  size_t vlen;
  const char *v = header(hs, he, "connection", &vlen);
  *close_after = v && vlen >= 5 && strncasecmp(v, "close", 5) == 0;
  size_t at = (size_t)(eoh + 4 - r);
  v = header(hs, he, "content-length", &vlen);
  if (v) {
    size_t cl = strtoul(v, NULL, 10);
    return c->rlen >= at + cl ? (long)(at + cl) : 0;
  }
  v = header(hs, he, "transfer-encoding", &vlen);
  if (v && vlen >= 7 && strncasecmp(v, "chunked", 7) == 0) {
    for (;;) {
      char *eol = memmem(r + at, c->rlen - at, "\r\n", 2);
      if (!eol) return 0;
      size_t size = strtoul(r + at, NULL, 16);
      at = (size_t)(eol + 2 - r);
      if (size == 0) {
        /* no trailers: the terminating empty line */
        return c->rlen >= at + 2 ? (long)(at + 2) : 0;
      }
      if (c->rlen < at + size + 2) return 0;
      at += size + 2;
    }
  }
  if (*status == 204 || *status == 304) return (long)at;
  return -1; /* a body delimited by the end of the connection: not sent by the services measured here */
}

static void on_readable(int i, int64_t now) {
  struct conn *c = &conns[i];
  for (;;) {
    if (c->rcap - c->rlen < 16384) {
      c->rcap = c->rcap * 2 + 65536;
      c->rbuf = realloc(c->rbuf, c->rcap);
    }
    size_t space = c->rcap - c->rlen;
    ssize_t k = read(c->fd, c->rbuf + c->rlen, space);
    if (k == 0) {
      fail_conn(i);
      return;
    }
    if (k < 0) {
      if (errno == EAGAIN) break;
      if (errno == EINTR) continue;
      fail_conn(i);
      return;
    }
    c->rlen += (size_t)k;
    if ((size_t)k < space) break; /* the socket is drained: no second read just to see EAGAIN */
  }
  if (c->state != BUSY) return;
  int status = 0, close_after = 0;
  long used = complete(c, &status, &close_after);
  if (used == 0) return;
  if (used < 0) {
    fail_conn(i);
    return;
  }
  due_lat[c->req] = now;
  completed++;
  if (status < 200 || status > 299) non2xx++;
  memmove(c->rbuf, c->rbuf + used, c->rlen - (size_t)used);
  c->rlen -= (size_t)used;
  c->state = IDLE;
  if (close_after) {
    c->state = DEAD;
    fail_conn(i);
    return;
  }
  push_idle(i);
}

static int cmp(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static double pct(int64_t *xs, long n, double p) {
  if (n == 0) return -1;
  long k = (long)((double)n * p / 100.0);
  if (k >= n) k = n - 1;
  return (double)xs[k] / 1e6;
}

int main(int argc, char **argv) {
  const char *url = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "u:r:s:c:m:H:b:q:")) != -1) {
    switch (opt) {
    case 'u': url = optarg; break;
    case 'r': rate = atof(optarg); break;
    case 's': seconds = atof(optarg); break;
    case 'c': nconns = atoi(optarg); break;
    case 'm': method = optarg; break;
    case 'H':
      if (nheaders == MAX_HEADERS) {
        fprintf(stderr, "fixed-rate: at most %d headers\n", MAX_HEADERS);
        return 2;
      }
      headers[nheaders++] = optarg;
      break;
    case 'b': body = optarg; break;
    case 'q': quantum = (int64_t)(atof(optarg) * 1000); break;
    default:
      fprintf(stderr, "usage: fixed-rate -u URL -r RATE -s SECONDS -c CONNECTIONS [-m METHOD] [-H 'name: value']... [-b BODY]\n");
      return 2;
    }
  }
  if (!url || rate <= 0 || seconds <= 0 || nconns < 1) {
    fprintf(stderr, "fixed-rate: -u, a positive -r, -s and -c are required\n");
    return 2;
  }
  parse_url(url);
  total = (long)(rate * seconds + 0.5);
  due_lat = calloc((size_t)total, sizeof *due_lat);
  late = calloc((size_t)total, sizeof *late);
  wait_ = calloc((size_t)total, sizeof *wait_);
  conns = calloc((size_t)nconns, sizeof *conns);
  idle = calloc((size_t)nconns, sizeof *idle);
  ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < nconns; i++) {
    conns[i].fd = -1;
    open_conn(i);
  }
  if (nidle == 0) die("connect");

  interval = 1e9 / rate;
  start = now_ns();
  long next = 0, queued = 0; /* requests [queued, next) are due and wait for a connection */
  struct epoll_event evs[256];
  for (;;) {
    int64_t now = now_ns();
    while (next < total && due(next) <= now) {
      late[next] = now - (due(next));
      next++;
    }
    while (queued < next && nidle > 0) {
      int i = idle[--nidle];
      conns[i].listed = 0;
      if (conns[i].state != IDLE) continue;
      dispatch(i, queued, now);
      queued++;
    }
    if (completed + errors >= total) break;
    if (next >= total && now - due(total) > DRAIN_NS) break;
    int64_t wake = next < total ? due(next) - now : 5000000;
    if (wake < 0) wake = 0;
    struct timespec ts = {.tv_sec = wake / 1000000000LL, .tv_nsec = wake % 1000000000LL};
    int n = epoll_pwait2(ep, evs, 256, &ts, NULL);
    if (n < 0 && errno != EINTR) die("epoll_pwait2");
    now = now_ns();
    for (int k = 0; k < n; k++) {
      int i = (int)evs[k].data.u32;
      if (conns[i].fd < 0) continue;
      if (evs[k].events & (EPOLLERR | EPOLLHUP)) {
        if (!(evs[k].events & EPOLLIN)) {
          fail_conn(i);
          continue;
        }
      }
      if (evs[k].events & EPOLLOUT) flush(i);
      if (conns[i].fd >= 0 && (evs[k].events & EPOLLIN)) on_readable(i, now);
    }
  }
  const double elapsed = (double)(now_ns() - start) / 1e9;
  errors += total - completed - errors; /* never answered within the drain time */

  /* Latencies from due, of the requests answered; due → written; the generator's own lateness. */
  int64_t *lat = malloc((size_t)total * sizeof *lat);
  long nlat = 0, nwait = 0;
  for (long n = 0; n < total; n++) {
    int64_t d = due(n);
    if (due_lat[n] > 0) lat[nlat++] = due_lat[n] - d;
    if (wait_[n] > 0) wait_[nwait++] = wait_[n] - d;
  }
  qsort(lat, (size_t)nlat, sizeof *lat, cmp);
  qsort(wait_, (size_t)nwait, sizeof *wait_, cmp);
  qsort(late, (size_t)next, sizeof *late, cmp);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  printf("{\"sent\":%ld,\"completed\":%ld,\"non2xx\":%ld,\"errors\":%ld,\"rate\":%.1f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
         "\"lateP50\":%.3f,\"lateP99\":%.3f,\"waitP99\":%.3f,\"cpuMs\":%.0f}\n",
         sent, completed, non2xx, errors, (double)completed / elapsed, pct(lat, nlat, 50), pct(lat, nlat, 90), pct(lat, nlat, 99),
         nlat ? (double)lat[nlat - 1] / 1e6 : -1, pct(late, next, 50), pct(late, next, 99), pct(wait_, nwait, 99), cpu_ms);
  return 0;
}
