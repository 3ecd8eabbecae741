/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Shared by the benchmark programs: option parsing, clocks, the RESULT
 * line that benchmarks/run reads, and /proc readers for the memory rows.
 */

typedef struct
{
  gint64 count;    /* operations per round */
  gint   rounds;   /* timed rounds; the best one is reported */
} BenchOptions;

/* Parses --count and --rounds (defaulting to @default_count and
 * @default_rounds) plus @extra_entries, which may be NULL.  Exits with a
 * message on bad arguments.
 */
void     bench_init             (int                 *argc,
                                 char              ***argv,
                                 const char          *summary,
                                 gint64               default_count,
                                 gint                 default_rounds,
                                 const GOptionEntry  *extra_entries,
                                 BenchOptions        *options);

gint64   bench_now_ns           (void);

/* CPU time of the calling thread: unlike the wall clock, it does not count
 * the time other processes had the CPU, so it stays meaningful on a busy
 * machine for workloads that never sleep.
 */
gint64   bench_thread_cpu_ns    (void);

/* The start of a timed round, on both clocks. */
typedef struct
{
  gint64 wall_ns;
  gint64 cpu_ns;
} BenchClock;

/* Nanoseconds per operation since a BenchClock started. */
typedef struct
{
  gdouble wall;
  gdouble cpu;
} BenchSample;

void        bench_clock_start   (BenchClock       *clock);
BenchSample bench_clock_sample  (const BenchClock *clock,
                                 gint64            operations);

/* Collects the per-operation figure of each round. */
typedef struct
{
  GArray *values;       /* (element-type gdouble) wall clock */
  GArray *cpu_values;   /* (element-type gdouble) thread CPU time, if known */
} BenchRounds;

void     bench_rounds_init      (BenchRounds  *rounds);
/* Adds a round measured on the wall clock only. */
void     bench_rounds_add       (BenchRounds  *rounds,
                                 gdouble       value);
void     bench_rounds_add_sample (BenchRounds *rounds,
                                 BenchSample   sample);
/* Adds the round that started at @clock and ran @operations. */
void     bench_rounds_add_since (BenchRounds      *rounds,
                                 const BenchClock *clock,
                                 gint64            operations);
/* One run of a workload over @count operations.  Returns FALSE, with
 * @error set if it can say why, when something went wrong, which would
 * void the figure.
 */
typedef gboolean (*BenchRoundFunc) (gint64     count,
                                    gpointer   user_data,
                                    GError   **error);

/* Runs @func once for @warmup operations, untimed, to fill the pools and
 * caches as in a program that has run a while; then @options->rounds
 * timed rounds of @options->count operations, each added to @rounds.
 * Stops at the first run that fails.
 */
gboolean bench_run_rounds       (const BenchOptions *options,
                                 gint64              warmup,
                                 BenchRoundFunc      func,
                                 gpointer            user_data,
                                 BenchRounds        *rounds,
                                 GError            **error);
gdouble  bench_rounds_best      (BenchRounds  *rounds);
gdouble  bench_rounds_median    (BenchRounds  *rounds);
void     bench_rounds_clear     (BenchRounds  *rounds);

/* Prints `RESULT name=@name unit=@unit value=@value` followed by the
 * optional printf-style @extra_format (space-separated key=value pairs).
 */
void     bench_result           (const char   *name,
                                 const char   *unit,
                                 gdouble       value,
                                 const char   *extra_format,
                                 ...) G_GNUC_PRINTF (4, 5);

/* Prints the best and median of @rounds as a RESULT line; with CPU times
 * for every round, also their best as `cpu=` and median as `cpu_median=`.
 */
void     bench_result_rounds    (const char   *name,
                                 const char   *unit,
                                 BenchRounds  *rounds);

/* Resident set size from /proc/self/statm, in bytes. */
gint64   bench_rss_bytes        (void);

/* A "Name:   123 kB" field of /proc/self/status, in bytes; -1 if absent. */
gint64   bench_status_bytes     (const char   *field);

/* Raises the soft RLIMIT_NOFILE to at least @needed descriptors, and the
 * hard limit too when the process may.  Returns FALSE with @error set if
 * the limit stays too low.
 */
gboolean bench_raise_nofile     (guint64       needed,
                                 GError      **error);

G_END_DECLS
