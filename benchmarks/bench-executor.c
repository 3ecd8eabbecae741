/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Blocking work on threads, seen from the loop:
 *
 *   bench-executor [--count 100000] [--rounds 3] [--samples 2000]
 *
 * Round trip, one job at a time, each started when the last one's result
 * is back on the calling thread:
 *   pool + cond:   g_thread_pool_push() of a job that signals a GCond the
 *                  caller waits on (no loop at all: the bare floor);
 *   pool + invoke: the same job completed with g_main_context_invoke() on
 *                  the caller's running GMainLoop, as a GIO program
 *                  returns a worker's result to its loop;
 *   to_thread:     `aio_await (aio_to_thread (job))` in a task.
 *
 * Timer lateness: a task sleeps --interval-ms (1 ms) --samples times and
 * records how much later than asked it woke, first on an idle loop, then
 * while another task keeps four jobs per worker queued on the default
 * executor: jobs that block (g_usleep of 1 ms, what to_thread is for) and
 * jobs that burn 1 ms of CPU (every core busy, so the loop's thread
 * competes with the workers for the CPU).  Prints p50, p99 and the worst
 * lateness in microseconds for each, and checks that every job ran.
 */

#include <stdlib.h>

#include <aio-glib.h>

#include "bench-common.h"

#define WARMUP_COUNT 2000
#define JOB_US 1000

typedef enum
{
  LOAD_NONE,
  LOAD_BLOCKING,
  LOAD_CPU,
} LoadKind;

static const char *const load_titles[] = {
  "idle pool:", "pool blocked (sleep):", "pool busy (CPU):",
};

/* One job of the load: 1 ms of blocking, or of CPU. */
static void
load_work (LoadKind kind)
{
  if (kind == LOAD_BLOCKING)
    g_usleep (JOB_US);
  else
    {
      gint64 end = g_get_monotonic_time () + JOB_US;
      volatile guint64 spin = 0;

      while (g_get_monotonic_time () < end)
        spin++;
    }
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Sorts @late and prints its p99 as the RESULT, with p50 and the worst. */
static void
report_lateness (const char *system,
                 const char *name,
                 LoadKind    kind,
                 GArray     *late,
                 gint64      jobs)
{
  guint n = late->len;
  gint64 p50, p99, worst;

  g_array_sort (late, compare_gint64);
  p50 = g_array_index (late, gint64, n / 2);
  p99 = g_array_index (late, gint64, n * 99 / 100);
  worst = g_array_index (late, gint64, n - 1);
  bench_result (name, "us", (gdouble) p99,
                "p50=%" G_GINT64_FORMAT " max=%" G_GINT64_FORMAT " jobs=%" G_GINT64_FORMAT,
                p50, worst, jobs);
  g_print ("  timer lateness, %-9s %-22s p50 %6" G_GINT64_FORMAT " us  p99 %6" G_GINT64_FORMAT
           " us  max %6" G_GINT64_FORMAT " us  (%" G_GINT64_FORMAT " jobs of 1 ms)\n",
           system, load_titles[kind], p50, p99, worst, jobs);
}

/* ---- floors ---------------------------------------------------------- */

typedef struct
{
  GMutex mutex;
  GCond cond;
  gboolean done;
} CondJob;

static void
cond_job_run (gpointer data,
              gpointer pool_data)
{
  CondJob *job = data;

  g_mutex_lock (&job->mutex);
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);
}

static gboolean
pool_cond_round (gint64     count,
                 gpointer   user_data,
                 GError   **error)
{
  GThreadPool *pool = user_data;
  CondJob job;

  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  for (gint64 i = 0; i < count; i++)
    {
      job.done = FALSE;
      if (!g_thread_pool_push (pool, &job, error))
        return FALSE;
      g_mutex_lock (&job.mutex);
      while (!job.done)
        g_cond_wait (&job.cond, &job.mutex);
      g_mutex_unlock (&job.mutex);
    }
  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
  return TRUE;
}

typedef struct
{
  GThreadPool *pool;
  GMainContext *context;
  GMainLoop *loop;
  gint64 remaining;
  gint64 completed;
} InvokeRun;

static gboolean
invoke_done_on_loop (gpointer data)
{
  InvokeRun *run = data;

  run->completed++;
  if (--run->remaining > 0)
    g_thread_pool_push (run->pool, run, NULL);
  else
    g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
invoke_job_run (gpointer data,
                gpointer pool_data)
{
  InvokeRun *run = data;

  g_main_context_invoke (run->context, invoke_done_on_loop, run);
}

static gboolean
pool_invoke_round (gint64     count,
                   gpointer   user_data,
                   GError   **error)
{
  InvokeRun run = { 0 };
  gboolean ok;

  run.context = g_main_context_new ();
  run.loop = g_main_loop_new (run.context, FALSE);
  run.pool = g_thread_pool_new (invoke_job_run, NULL,
                                (gint) aio_executor_get_default_size (), FALSE, error);
  run.remaining = count;
  ok = run.pool != NULL && g_thread_pool_push (run.pool, &run, error);
  if (ok)
    {
      g_main_context_push_thread_default (run.context);
      g_main_loop_run (run.loop);
      g_main_context_pop_thread_default (run.context);
      g_thread_pool_free (run.pool, FALSE, TRUE);
      ok = run.completed == count;
      if (!ok)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "pool + invoke: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " jobs",
                     run.completed, count);
    }
  g_main_loop_unref (run.loop);
  g_main_context_unref (run.context);
  return ok;
}

/* The same load on plain GLib: a GThreadPool whose jobs hand their
 * completion to the loop with g_main_context_invoke(), where the next job
 * is pushed, and a GLib timeout source for each timer sample.
 */
typedef struct
{
  LoadKind kind;
  GThreadPool *pool;
  GMainContext *context;
  GMainLoop *loop;
  gboolean stop;        /* the rest on the loop's thread only */
  guint in_flight;
  gint64 completed;
  GArray *late;
  gint samples;
  gint64 asked_us;
  gint64 sample_start;
} FloorLoad;

static gboolean
floor_job_done (gpointer data)
{
  FloorLoad *load = data;

  load->completed++;
  if (!load->stop)
    g_thread_pool_push (load->pool, load, NULL);
  else if (--load->in_flight == 0)
    g_main_loop_quit (load->loop);
  return G_SOURCE_REMOVE;
}

static void
floor_job_run (gpointer data,
               gpointer pool_data)
{
  FloorLoad *load = data;

  load_work (load->kind);
  g_main_context_invoke (load->context, floor_job_done, load);
}

static void floor_arm_timer (FloorLoad *load);

static gboolean
floor_timer_fired (gpointer data)
{
  FloorLoad *load = data;
  gint64 lateness = g_get_monotonic_time () - load->sample_start - load->asked_us;

  g_array_append_val (load->late, lateness);
  if ((gint) load->late->len < load->samples)
    floor_arm_timer (load);
  else
    {
      load->stop = TRUE;
      if (load->in_flight == 0)
        g_main_loop_quit (load->loop);
    }
  return G_SOURCE_REMOVE;
}

static void
floor_arm_timer (FloorLoad *load)
{
  GSource *timer = g_timeout_source_new ((guint) (load->asked_us / 1000));

  load->sample_start = g_get_monotonic_time ();
  g_source_set_callback (timer, floor_timer_fired, load, NULL);
  g_source_attach (timer, load->context);
  g_source_unref (timer);
}

static gboolean
floor_lateness (LoadKind     kind,
                const char  *name,
                gint         samples,
                gint         interval_ms,
                GError     **error)
{
  guint workers = aio_executor_get_default_size ();
  FloorLoad load = { kind };
  gboolean ok = TRUE;

  load.context = g_main_context_new ();
  load.loop = g_main_loop_new (load.context, FALSE);
  load.pool = g_thread_pool_new (floor_job_run, NULL, (gint) workers, FALSE, error);
  load.late = g_array_sized_new (FALSE, FALSE, sizeof (gint64), samples);
  load.samples = samples;
  load.asked_us = (gint64) interval_ms * 1000;
  if (load.pool == NULL)
    ok = FALSE;
  else
    {
      g_main_context_push_thread_default (load.context);
      if (kind != LOAD_NONE)
        for (guint i = 0; i < 4 * workers; i++)
          {
            load.in_flight++;
            g_thread_pool_push (load.pool, &load, NULL);
          }
      g_usleep (50000);
      floor_arm_timer (&load);
      g_main_loop_run (load.loop);
      g_main_context_pop_thread_default (load.context);
      g_thread_pool_free (load.pool, FALSE, TRUE);
      report_lateness ("GLib", name, kind, load.late, load.completed);
    }
  g_array_unref (load.late);
  g_main_loop_unref (load.loop);
  g_main_context_unref (load.context);
  return ok;
}

/* ---- aio-glib -------------------------------------------------------- */

static gint jobs_run;

static gpointer
noop_job (GCancellable  *cancellable,
          gpointer       user_data,
          GError       **error)
{
  g_atomic_int_inc (&jobs_run);
  return user_data;
}

static gboolean
to_thread_round (gint64     count,
                 gpointer   user_data,
                 GError   **error)
{
  for (gint64 i = 0; i < count; i++)
    {
      gpointer tag = GSIZE_TO_POINTER ((gsize) (i & 0xffff) + 1);

      if (aio_await_pointer (aio_to_thread (noop_job, tag, NULL, NULL), error) != tag)
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "to_thread %" G_GINT64_FORMAT ": wrong result", i);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  LoadKind kind;
  volatile gboolean stop;
  gint64 submitted;
  gint64 completed;
} Load;

static gpointer
load_job (GCancellable  *cancellable,
          gpointer       user_data,
          GError       **error)
{
  Load *load = user_data;

  load_work (load->kind);
  return load;
}

/* Keeps a window of jobs queued: each time the oldest completes, another
 * is submitted, so the workers never run dry.
 */
static void
load_body (AioTask  *task,
           gpointer  user_data)
{
  Load *load = user_data;
  AioExecutor *executor = aio_loop_get_default_executor (aio_loop_get_running ());
  guint window = 4 * aio_executor_get_max_workers (executor);
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;

  while (!load->stop || pending->len > 0)
    {
      while (!load->stop && pending->len < window)
        {
          g_ptr_array_add (pending, aio_to_thread (load_job, load, NULL, NULL));
          load->submitted++;
        }
      if (aio_await_pointer (g_ptr_array_steal_index (pending, 0), &error) != load)
        {
          aio_task_return_error (task, error);
          return;
        }
      load->completed++;
    }
}

static gboolean
measure_lateness (LoadKind     kind,
                  const char  *name,
                  gint         samples,
                  gint         interval_ms,
                  GError     **error)
{
  Load load = { kind, FALSE, 0, 0 };
  g_autoptr(AioTask) load_task = NULL;
  g_autoptr(GArray) late = g_array_sized_new (FALSE, FALSE, sizeof (gint64), samples);
  gint64 asked = (gint64) interval_ms * 1000;

  if (kind != LOAD_NONE)
    {
      load_task = aio_task_new (load_body, &load, NULL);
      /* Let the window fill before the first sample. */
      if (!aio_await (aio_sleep (0.05), error))
        return FALSE;
    }

  for (gint i = 0; i < samples; i++)
    {
      gint64 start = g_get_monotonic_time (), lateness;

      if (!aio_await (aio_sleep (interval_ms / 1000.0), error))
        return FALSE;
      lateness = g_get_monotonic_time () - start - asked;
      g_array_append_val (late, lateness);
    }

  if (load_task != NULL)
    {
      load.stop = TRUE;
      if (!aio_await (AIO_FUTURE (g_object_ref (load_task)), error))
        return FALSE;
      if (load.completed != load.submitted || load.completed == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "%s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " jobs completed",
                       name, load.completed, load.submitted);
          return FALSE;
        }
    }

  report_lateness ("aio-glib", name, kind, late, load.completed);
  return TRUE;
}

typedef struct
{
  BenchOptions options;
  gint samples;
  gint interval_ms;
  BenchRounds to_thread;
} ExecutorBench;

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  ExecutorBench *bench = user_data;
  GError *error = NULL;
  gint before = g_atomic_int_get (&jobs_run);

  if (!bench_run_rounds (&bench->options, WARMUP_COUNT, to_thread_round, NULL,
                         &bench->to_thread, &error))
    goto fail;
  if (g_atomic_int_get (&jobs_run) - before
      != WARMUP_COUNT + bench->options.count * bench->options.rounds)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "to_thread: jobs lost");
      goto fail;
    }
  if (!measure_lateness (LOAD_NONE, "timer_late_idle", bench->samples,
                         bench->interval_ms, &error)
      || !measure_lateness (LOAD_BLOCKING, "timer_late_blocking", bench->samples,
                            bench->interval_ms, &error)
      || !measure_lateness (LOAD_CPU, "timer_late_cpu", bench->samples,
                            bench->interval_ms, &error))
    goto fail;
  return;

fail:
  aio_task_return_error (task, error);
}

int
main (int    argc,
      char **argv)
{
  ExecutorBench bench = { .samples = 2000, .interval_ms = 1 };
  GOptionEntry entries[] = {
    { "samples", 0, 0, G_OPTION_ARG_INT, &bench.samples, "timer samples per load", "N" },
    { "interval-ms", 0, 0, G_OPTION_ARG_INT, &bench.interval_ms, "timer interval", "MS" },
    { NULL }
  };
  BenchRounds pool_cond, pool_invoke;
  GThreadPool *cond_pool;
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;
  double cond_ns, invoke_ns, aio_ns;

  bench_init (&argc, &argv, "Thread-pool round trips and timer lateness under a busy pool.",
              100000, 3, entries, &bench.options);
  if (bench.samples < 100 || bench.interval_ms < 1)
    {
      g_printerr ("bench-executor: --samples must be at least 100 and --interval-ms at least 1\n");
      return 2;
    }
  bench_rounds_init (&pool_cond);
  bench_rounds_init (&pool_invoke);
  bench_rounds_init (&bench.to_thread);

  cond_pool = g_thread_pool_new (cond_job_run, NULL, (gint) aio_executor_get_default_size (),
                                 FALSE, NULL);
  if (!bench_run_rounds (&bench.options, WARMUP_COUNT, pool_cond_round, cond_pool,
                         &pool_cond, &error)
      || !bench_run_rounds (&bench.options, WARMUP_COUNT, pool_invoke_round, NULL,
                            &pool_invoke, &error)
      || !floor_lateness (LOAD_NONE, "glib_late_idle", bench.samples, bench.interval_ms, &error)
      || !floor_lateness (LOAD_BLOCKING, "glib_late_blocking", bench.samples,
                          bench.interval_ms, &error)
      || !floor_lateness (LOAD_CPU, "glib_late_cpu", bench.samples, bench.interval_ms, &error))
    {
      g_printerr ("bench-executor: %s\n", error->message);
      return 1;
    }
  g_thread_pool_free (cond_pool, FALSE, TRUE);

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-executor: %s\n", error->message);
      return 1;
    }

  cond_ns = bench_rounds_best (&pool_cond);
  invoke_ns = bench_rounds_best (&pool_invoke);
  aio_ns = bench_rounds_best (&bench.to_thread);
  bench_result_rounds ("pool_cond", "ns/job", &pool_cond);
  bench_result_rounds ("pool_invoke", "ns/job", &pool_invoke);
  bench_result_rounds ("to_thread", "ns/job", &bench.to_thread);
  g_print ("  round trip: pool + cond %.0f ns, pool + invoke %.0f ns, to_thread %.0f ns"
           " (%.2f of cond, %.2f of invoke)\n",
           cond_ns, invoke_ns, aio_ns, aio_ns / cond_ns, aio_ns / invoke_ns);

  bench_rounds_clear (&pool_cond);
  bench_rounds_clear (&pool_invoke);
  bench_rounds_clear (&bench.to_thread);
  return 0;
}
