/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <aio-glib.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"

/* Memory: --count tasks suspended at once, each awaiting one shared gate
 * future.  --kind=coroutine runs C coroutine tasks (one stack each),
 * --kind=stackless runs stackless tasks (a step function, as the language
 * bindings use).  The figure is the growth of the resident set
 * (/proc/self/statm) divided by the number of tasks.
 *
 * Tasks are started in batches, each batch reaching its await before the
 * next is created, as a server accepting connections would: the ready
 * queue then stays small and the figure is what a suspended task keeps,
 * not what a burst of a million simultaneous starts needs for a moment.
 *
 * For coroutines the growth is split into the resident stack pages (the
 * Rss of the mappings holding the stacks, from /proc/self/smaps), heap
 * (mallinfo2) and the rest.  Page tables do not count in the resident set,
 * so their growth (VmPTE in /proc/self/status) is reported beside it.
 * Run each kind in its own process: freed memory is not handed back to the
 * kernel reliably, so a second measurement would be skewed.
 */

#define BATCH 4096

typedef struct
{
  BenchOptions  options;
  char         *kind;
  gint64        stack_size;
  gboolean      coroutines;

  AioFuture    *gate;          /* (owned) */
  AioTask     **tasks;         /* (owned) --count entries */
  guintptr     *stack_marks;   /* (owned) an address on each coroutine's stack */
  gint64        suspended;
  gint64        woken;
} MemoryBench;

static MemoryBench *the_bench;

static void
waiter_body (AioTask  *task,
             gpointer  user_data)
{
  MemoryBench *bench = the_bench;
  gsize index = GPOINTER_TO_SIZE (user_data);
  volatile char mark = 0;

  bench->stack_marks[index] = (guintptr) &mark;
  bench->suspended++;
  if (aio_await (g_object_ref (bench->gate), NULL))
    bench->woken++;
}

static AioFuture *
waiter_step (AioTask   *task,
             AioFuture *awaited,
             gpointer   user_data)
{
  MemoryBench *bench = user_data;

  if (awaited == NULL)
    {
      bench->suspended++;
      return g_object_ref (bench->gate);
    }
  if (aio_future_propagate (awaited, NULL))
    bench->woken++;
  return NULL;
}

static int
compare_marks (const void *a,
               const void *b)
{
  guintptr x = *(const guintptr *) a;
  guintptr y = *(const guintptr *) b;

  return (x > y) - (x < y);
}

/* Sums the Rss of the mappings that hold one of the sorted @marks. */
static gint64
stack_mappings_rss (const guintptr *marks,
                    gsize           n_marks)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 total = 0;
  gboolean counting = FALSE;
  gsize next = 0;
  guint i;

  if (!g_file_get_contents ("/proc/self/smaps", &contents, NULL, NULL))
    return -1;

  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      guint64 lo, hi;
      char *end;

      if (g_ascii_isxdigit (line[0]) && strchr (line, '-') != NULL &&
          (lo = g_ascii_strtoull (line, &end, 16), *end == '-'))
        {
          hi = g_ascii_strtoull (end + 1, NULL, 16);
          while (next < n_marks && marks[next] < lo)
            next++;
          counting = next < n_marks && marks[next] < hi;
          continue;
        }
      if (counting && g_str_has_prefix (line, "Rss:"))
        total += g_ascii_strtoll (line + 4, NULL, 10) * 1024;
    }
  return total;
}

static gint64
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (gint64) (info.uordblks + info.hblkhd);
}

/* The size g_type_create_instance() asks for: the instance plus the
 * private data of the whole chain, which for AioTask is AioFuture's.
 */
static gsize
task_instance_bytes (void)
{
  GTypeQuery query;
  gpointer klass = g_type_class_ref (AIO_TYPE_FUTURE);
  gint private_offset = g_type_class_get_instance_private_offset (klass);

  g_type_query (AIO_TYPE_TASK, &query);
  g_type_class_unref (klass);
  return query.instance_size + (gsize) MAX (-private_offset, 0);
}

static void
return_shortfall (AioTask    *task,
                  gint64      got,
                  gint64      expected,
                  const char *what)
{
  aio_task_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                            "only %" G_GINT64_FORMAT " of %"
                                            G_GINT64_FORMAT " tasks %s",
                                            got, expected, what));
}

static AioTask *
spawn_one (MemoryBench *bench,
           gsize        index)
{
  if (bench->coroutines)
    return aio_task_new_full (NULL, NULL, (gsize) bench->stack_size,
                              waiter_body, GSIZE_TO_POINTER (index), NULL);
  return aio_task_new_stackless (NULL, NULL, waiter_step, bench, NULL);
}

static void
main_body (AioTask  *task,
           gpointer  user_data)
{
  MemoryBench *bench = user_data;
  gint64 n = bench->options.count;
  gint64 rss_before, rss_after, pte_before, pte_after, heap_before, heap_after;
  gint64 stack_rss = 0;
  BenchClock start;
  BenchSample suspend_time, finish_time;
  gsize marks_bytes = (gsize) n * sizeof (guintptr);
  gsize tasks_bytes = (gsize) n * sizeof (AioTask *);
  gint64 i;

  /* Everything the measurement itself needs is resident before it. */
  bench->tasks = g_malloc (tasks_bytes);
  memset (bench->tasks, 0, tasks_bytes);
  bench->stack_marks = g_malloc (marks_bytes);
  memset (bench->stack_marks, 0, marks_bytes);
  bench->gate = aio_future_new ();
  for (i = 0; i < 64; i++)
    {
      /* Initialize the type classes, stack pools and signal stack. */
      AioTask *warm = spawn_one (bench, 0);

      aio_yield (NULL);
      aio_future_set_boolean (bench->gate, TRUE, NULL);
      aio_await (AIO_FUTURE (warm), NULL);
      g_clear_object (&bench->gate);
      bench->gate = aio_future_new ();
    }
  bench->suspended = bench->woken = 0;
  malloc_trim (0);

  rss_before = bench_rss_bytes ();
  pte_before = bench_status_bytes ("VmPTE");
  heap_before = heap_in_use ();

  bench_clock_start (&start);
  for (i = 0; i < n; i++)
    {
      bench->tasks[i] = spawn_one (bench, (gsize) i);
      if ((i + 1) % BATCH == 0)
        aio_yield (NULL);
    }
  aio_yield (NULL);
  suspend_time = bench_clock_sample (&start, n);

  rss_after = bench_rss_bytes ();
  pte_after = bench_status_bytes ("VmPTE");
  heap_after = heap_in_use ();

  if (bench->suspended != n)
    {
      return_shortfall (task, bench->suspended, n, "reached their await");
      return;
    }

  if (bench->coroutines)
    {
      qsort (bench->stack_marks, (gsize) n, sizeof (guintptr), compare_marks);
      stack_rss = stack_mappings_rss (bench->stack_marks, (gsize) n);
    }

  bench_result (bench->coroutines ? "memory_coroutine" : "memory_stackless",
                bench->coroutines ? "B/coroutine" : "B/task",
                (gdouble) (rss_after - rss_before) / n,
                "count=%" G_GINT64_FORMAT " vmpte_per=%.1f "
                "stack_rss_per=%.1f heap_per=%.1f "
                "task_object=%" G_GSIZE_FORMAT " stack_size=%" G_GINT64_FORMAT,
                n, (gdouble) (pte_after - pte_before) / n,
                (gdouble) stack_rss / n,
                (gdouble) (heap_after - heap_before) / n,
                task_instance_bytes (),
                bench->coroutines ? bench->stack_size : 0);

  /* Let them all finish, so a broken wake-up shows as an error. */
  bench_clock_start (&start);
  aio_future_set_boolean (bench->gate, TRUE, NULL);
  for (i = 0; i < n; i++)
    aio_await (AIO_FUTURE (g_steal_pointer (&bench->tasks[i])), NULL);
  finish_time = bench_clock_sample (&start, n);
  bench_result (bench->coroutines ? "memory_coroutine_time"
                                  : "memory_stackless_time",
                "ns/task", suspend_time.wall,
                "cpu=%.1f finish_per=%.1f finish_cpu_per=%.1f",
                suspend_time.cpu, finish_time.wall, finish_time.cpu);
  if (bench->woken != n)
    return_shortfall (task, bench->woken, n, "woke up");
}

int
main (int    argc,
      char **argv)
{
  MemoryBench bench = { 0, };
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &bench.kind,
      "coroutine (default) or stackless", "KIND" },
    { "stack-size", 's', 0, G_OPTION_ARG_INT64, &bench.stack_size,
      "Coroutine stack size in bytes (0: the default)", "BYTES" },
    { NULL }
  };
  g_autoptr(AioTask) main_task = NULL;
  g_autoptr(GError) error = NULL;

  bench_init (&argc, &argv, "Resident memory of many suspended tasks.",
              1000000, 1, entries, &bench.options);
  if (bench.kind == NULL || g_str_equal (bench.kind, "coroutine"))
    bench.coroutines = TRUE;
  else if (!g_str_equal (bench.kind, "stackless"))
    {
      g_printerr ("--kind must be coroutine or stackless\n");
      return 2;
    }
  if (bench.stack_size < 0)
    {
      g_printerr ("--stack-size must not be negative\n");
      return 2;
    }
  the_bench = &bench;

  main_task = aio_task_new (main_body, &bench, NULL);
  if (!aio_run (AIO_FUTURE (main_task), &error))
    {
      g_printerr ("bench-memory: %s\n", error->message);
      return 1;
    }

  g_clear_object (&bench.gate);
  g_free (bench.tasks);
  g_free (bench.stack_marks);
  g_free (bench.kind);
  return 0;
}
