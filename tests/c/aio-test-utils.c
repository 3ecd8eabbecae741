/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

AioTask *
aio_test_run_task (AioTaskFunc func,
                   gpointer    user_data)
{
  AioTask *task = aio_task_new_full (aio_loop_get_default (), NULL, 0, func, user_data, NULL);
  GError *error = NULL;

  aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), &error);
  g_clear_error (&error);
  aio_test_drain (NULL);
  return task;
}

gboolean
aio_test_run_future (AioFuture  *future,
                     GError    **error)
{
  AioLoop *loop = aio_future_get_loop (future);
  gboolean ok = aio_loop_run_until_complete (loop, future, error);

  aio_test_drain (aio_loop_get_context (loop));
  return ok;
}

void
aio_test_drain (GMainContext *context)
{
  guint rounds = 0, idle = 0;

  /* A loop that used up its dispatch budget sits out one iteration, which
   * dispatches nothing although work is left (easily hit under sanitizers
   * and valgrind): only two idle iterations in a row mean it is drained.
   */
  while (idle < 2 && rounds++ < 10000)
    idle = g_main_context_iteration (context, FALSE) ? 0 : idle + 1;
}

/* The valgrind and sanitize test setups slow everything down and say by
 * how much, so these watchdogs stretch like meson's own timeouts.
 */
static guint
scaled_timeout_ms (double timeout_seconds)
{
  const char *multiplier = g_getenv ("AIO_TEST_TIMEOUT_MULTIPLIER");
  double scale = multiplier != NULL ? g_ascii_strtod (multiplier, NULL) : 1.0;

  return (guint) (timeout_seconds * MAX (scale, 1.0) * 1000);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out waiting for a condition");
  return G_SOURCE_REMOVE;
}

void
aio_test_wait_for_flag (const gboolean *flag,
                        double          timeout_seconds)
{
  guint id = g_timeout_add (scaled_timeout_ms (timeout_seconds), timeout_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

void
aio_test_wait_for_count (GMainContext *context,
                         const guint  *counter,
                         guint         target,
                         double        timeout_seconds)
{
  GSource *timeout = g_timeout_source_new (scaled_timeout_ms (timeout_seconds));

  g_source_set_callback (timeout, timeout_cb, NULL, NULL);
  g_source_attach (timeout, context);
  while ((guint) g_atomic_int_get ((const gint *) counter) < target)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

void
aio_test_assert_no_tasks (AioLoop *loop)
{
  GList *tasks = aio_all_tasks (loop != NULL ? loop : aio_loop_get_default ());
  GString *names = g_string_new (NULL);
  GList *l;

  for (l = tasks; l != NULL; l = l->next)
    g_string_append_printf (names, " '%s'", aio_task_get_name (l->data));
  if (tasks != NULL)
    g_error ("Tasks left pending:%s", names->str);
  g_string_free (names, TRUE);
  g_list_free_full (tasks, g_object_unref);
}

/* Static storage, so a test left out with -p leaks nothing. */
static GTestFunc checked_tests[512];
static guint     n_checked_tests;

static void
run_checked_test (gconstpointer data)
{
  const GTestFunc *test_func = data;

  (*test_func) ();
  aio_test_drain (NULL);
  aio_test_assert_no_tasks (NULL);
}

void
aio_test_add_func (const char *testpath,
                   GTestFunc   test_func)
{
  g_assert_cmpuint (n_checked_tests, <, G_N_ELEMENTS (checked_tests));
  checked_tests[n_checked_tests] = test_func;
  g_test_add_data_func (testpath, &checked_tests[n_checked_tests++], run_checked_test);
}

guint
aio_test_count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}
