// Watches how far apart the machine's first two CPUs are: every half second, a thread on CPU 0
// and a thread on CPU 1 pass a cache line back and forth 5,000 times, and the mean round trip
// is printed with the wall-clock time:
//
//     1796021276.212 52
//
// On a virtual machine the host may move the two virtual CPUs between cores that share a cache
// (a round trip of about 50 ns) and cores that do not (several hundred): two threads of one
// process that hand data to each other slow down in the second case, while two independent
// processes do not. Run it next to a benchmark (at real-time priority, so that it is not
// delayed by the benchmark's threads: `chrt -f 50`); each measurement takes both CPUs for about
// 0.3 ms when they are close and 1.6 ms when they are far, twice a second.
//
//     cc -O2 -pthread -o core-to-core-latency Scripts/core-to-core-latency.c
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { ROUND_TRIPS = 5000 };

/// The cache line passed between the threads: odd values are CPU 0's throws, even ones CPU 1's.
static _Alignas(64) atomic_long ball;
/// 1: CPU 0 asks for a measurement; 2: CPU 1 is ready and catching; 0: done.
static atomic_int phase;
/// Where CPU 1 sleeps between measurements.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t asked = PTHREAD_COND_INITIALIZER;

static double seconds(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

/// Moves the calling thread to `cpu`, or stops: two spinning threads on one CPU would measure
/// nothing and take the CPU from everything else.
static void run_on_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "core-to-core-latency: cannot run on CPU %d\n", cpu);
        exit(1);
    }
}

/// CPU 1's side: sleeps until a measurement is asked for, then returns every throw.
static void *catcher(void *unused) {
    (void)unused;
    run_on_cpu(1);
    for (;;) {
        pthread_mutex_lock(&lock);
        while (atomic_load(&phase) != 1) pthread_cond_wait(&asked, &lock);
        pthread_mutex_unlock(&lock);
        atomic_store(&phase, 2);
        for (long i = 0; i < ROUND_TRIPS; i++) {
            while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * i + 1) {}
            atomic_store_explicit(&ball, 2 * i + 2, memory_order_release);
        }
        atomic_store(&phase, 0);
    }
    return NULL;
}

int main(void) {
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        fprintf(stderr, "core-to-core-latency: this machine has one CPU\n");
        return 1;
    }
    run_on_cpu(0);
    pthread_t thread;
    if (pthread_create(&thread, NULL, catcher, NULL) != 0) {
        fprintf(stderr, "core-to-core-latency: cannot start the second thread\n");
        return 1;
    }
    for (;;) {
        usleep(500000);
        atomic_store(&ball, 0);
        pthread_mutex_lock(&lock);
        atomic_store(&phase, 1);
        pthread_cond_signal(&asked);
        pthread_mutex_unlock(&lock);
        while (atomic_load(&phase) != 2) {}
        const double start = seconds(CLOCK_MONOTONIC);
        for (long i = 0; i < ROUND_TRIPS; i++) {
            atomic_store_explicit(&ball, 2 * i + 1, memory_order_release);
            while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * i + 2) {}
        }
        const double elapsed = seconds(CLOCK_MONOTONIC) - start;
        while (atomic_load(&phase) != 0) {}
        printf("%.3f %.0f\n", seconds(CLOCK_REALTIME), elapsed * 1e9 / ROUND_TRIPS);
        fflush(stdout);
    }
}
