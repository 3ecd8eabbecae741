/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

void
bench_init (int                 *argc,
            char              ***argv,
            const char          *summary,
            gint64               default_count,
            gint                 default_rounds,
            const GOptionEntry  *extra_entries,
            BenchOptions        *options)
{
  GOptionEntry common_entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT64, &options->count,
      "Operations per round", "N" },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &options->rounds,
      "Timed rounds; the best is reported", "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  options->count = default_count;
  options->rounds = default_rounds;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common_entries, NULL);
  if (extra_entries != NULL)
    g_option_context_add_main_entries (context, extra_entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (2);
    }
  if (options->count <= 0 || options->rounds <= 0)
    {
      g_printerr ("--count and --rounds must be positive\n");
      exit (2);
    }
}

gint64
bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

gint64
bench_thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

void
bench_clock_start (BenchClock *clock)
{
  clock->cpu_ns = bench_thread_cpu_ns ();
  clock->wall_ns = bench_now_ns ();
}

BenchSample
bench_clock_sample (const BenchClock *clock,
                    gint64            operations)
{
  BenchSample sample = { 0.0, 0.0 };
  gint64 wall_ns = bench_now_ns ();
  gint64 cpu_ns = bench_thread_cpu_ns ();

  g_return_val_if_fail (operations > 0, sample);

  sample.wall = (gdouble) (wall_ns - clock->wall_ns) / operations;
  sample.cpu = (gdouble) (cpu_ns - clock->cpu_ns) / operations;
  return sample;
}

void
bench_rounds_init (BenchRounds *rounds)
{
  rounds->values = g_array_new (FALSE, FALSE, sizeof (gdouble));
  rounds->cpu_values = g_array_new (FALSE, FALSE, sizeof (gdouble));
}

void
bench_rounds_add (BenchRounds *rounds,
                  gdouble      value)
{
  g_array_append_val (rounds->values, value);
}

void
bench_rounds_add_sample (BenchRounds *rounds,
                         BenchSample  sample)
{
  g_array_append_val (rounds->values, sample.wall);
  g_array_append_val (rounds->cpu_values, sample.cpu);
}

void
bench_rounds_add_since (BenchRounds      *rounds,
                        const BenchClock *clock,
                        gint64            operations)
{
  bench_rounds_add_sample (rounds, bench_clock_sample (clock, operations));
}

gboolean
bench_run_rounds (const BenchOptions  *options,
                  gint64               warmup,
                  BenchRoundFunc       func,
                  gpointer             user_data,
                  BenchRounds         *rounds,
                  GError             **error)
{
  GError *local_error = NULL;
  gint round;

  if (!func (warmup, user_data, &local_error))
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                           "the warm-up run failed");
      g_propagate_error (error, local_error);
      return FALSE;
    }

  for (round = 0; round < options->rounds; round++)
    {
      BenchClock clock;

      bench_clock_start (&clock);
      if (!func (options->count, user_data, &local_error))
        {
          if (local_error == NULL)
            local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                       "timed round %d failed", round + 1);
          g_propagate_error (error, local_error);
          return FALSE;
        }
      bench_rounds_add_since (rounds, &clock, options->count);
    }
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a;
  gdouble y = *(const gdouble *) b;

  return (x > y) - (x < y);
}

static gdouble
array_min (GArray *values)
{
  gdouble best = G_MAXDOUBLE;
  guint i;

  g_return_val_if_fail (values->len > 0, 0.0);

  for (i = 0; i < values->len; i++)
    best = MIN (best, g_array_index (values, gdouble, i));
  return best;
}

static gdouble
array_median (GArray *values)
{
  g_autoptr(GArray) sorted = NULL;
  guint n = values->len;

  g_return_val_if_fail (n > 0, 0.0);

  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (sorted, gdouble, n / 2);
  return (g_array_index (sorted, gdouble, n / 2 - 1) +
          g_array_index (sorted, gdouble, n / 2)) / 2;
}

gdouble
bench_rounds_best (BenchRounds *rounds)
{
  return array_min (rounds->values);
}

gdouble
bench_rounds_median (BenchRounds *rounds)
{
  return array_median (rounds->values);
}

void
bench_rounds_clear (BenchRounds *rounds)
{
  g_clear_pointer (&rounds->values, g_array_unref);
  g_clear_pointer (&rounds->cpu_values, g_array_unref);
}

void
bench_result (const char *name,
              const char *unit,
              gdouble     value,
              const char *extra_format,
              ...)
{
  g_autofree char *extra = NULL;

  if (extra_format != NULL)
    {
      va_list args;

      va_start (args, extra_format);
      extra = g_strdup_vprintf (extra_format, args);
      va_end (args);
    }

  g_print ("RESULT name=%s unit=%s value=%.3f%s%s\n", name, unit, value,
           extra != NULL ? " " : "", extra != NULL ? extra : "");
  fflush (stdout);
}

void
bench_result_rounds (const char  *name,
                     const char  *unit,
                     BenchRounds *rounds)
{
  if (rounds->cpu_values->len == rounds->values->len)
    bench_result (name, unit, bench_rounds_best (rounds),
                  "median=%.1f rounds=%u cpu=%.3f cpu_median=%.1f",
                  bench_rounds_median (rounds), rounds->values->len,
                  array_min (rounds->cpu_values),
                  array_median (rounds->cpu_values));
  else
    bench_result (name, unit, bench_rounds_best (rounds),
                  "median=%.1f rounds=%u", bench_rounds_median (rounds),
                  rounds->values->len);
}

gint64
bench_rss_bytes (void)
{
  unsigned long size = 0, resident = 0;
  FILE *file = fopen ("/proc/self/statm", "r");
  int n;

  if (file == NULL)
    g_error ("Cannot open /proc/self/statm: %s", g_strerror (errno));
  n = fscanf (file, "%lu %lu", &size, &resident);
  fclose (file);
  if (n != 2)
    g_error ("Cannot parse /proc/self/statm");

  return (gint64) resident * sysconf (_SC_PAGESIZE);
}

gint64
bench_status_bytes (const char *field)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize field_len = strlen (field);
  guint i;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;

  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      if (strncmp (lines[i], field, field_len) == 0 && lines[i][field_len] == ':')
        return g_ascii_strtoll (lines[i] + field_len + 1, NULL, 10) * 1024;
    }
  return -1;
}

gboolean
bench_raise_nofile (guint64   needed,
                    GError  **error)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "getrlimit: %s", g_strerror (saved));
      return FALSE;
    }
  if (limit.rlim_cur >= needed)
    return TRUE;

  /* Raising the hard limit needs CAP_SYS_RESOURCE; try, then settle for
   * the soft limit if that is enough.
   */
  if (limit.rlim_max < needed)
    {
      struct rlimit raised = { needed, needed };

      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Need %" G_GUINT64_FORMAT " file descriptors but the hard limit "
                   "is %" G_GUINT64_FORMAT "; raise it with `ulimit -Hn`",
                   needed, (guint64) limit.rlim_max);
      return FALSE;
    }

  limit.rlim_cur = needed;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "setrlimit: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
