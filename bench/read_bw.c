/* read_bw.c -- single-thread memory read bandwidth, the rate of run_bench.sh's floor.
 *
 *   cc -O2 -march=native bench/read_bw.c -o read_bw && ./read_bw [MiB]
 *
 * Sums a buffer of MiB (default 512, far beyond any cache) as 64-bit words
 * with four independent accumulators, five times, and prints the best pass
 * in GB/s (10^9 bytes per second): the speed at which one core can read
 * data it has to look at once. A screening cannot run faster than reading
 * each byte it must see at this rate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
    const size_t mib = argc > 1 ? (size_t)atol(argv[1]) : 512;
    const size_t n = mib * 1024 * 1024 / sizeof(uint64_t);
    uint64_t* a = malloc(n * sizeof *a);
    if (!a || n < 4) {
        fprintf(stderr, "read_bw: cannot allocate %zu MiB\n", mib);
        return 1;
    }
    for (size_t i = 0; i < n; ++i) a[i] = i * 2654435761u;
    double best = 1e30;
    uint64_t check = 0;
    for (int pass = 0; pass < 5; ++pass) {
        const double t0 = now();
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t i = 0; i + 3 < n; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        const double t = now() - t0;
        check ^= s0 + s1 + s2 + s3;
        if (t < best) best = t;
    }
    printf("read=%.2f GB/s (%zu MiB, best of 5; checksum %llu)\n", n * sizeof *a / best / 1e9, mib,
           (unsigned long long)(check & 0xff));
    free(a);
    return 0;
}
