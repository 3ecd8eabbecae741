/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "aio-test-utils.h"

/* Unix signal handlers of a loop, and aio_run()'s handling of SIGINT (in
 * a helper process, so this one is never interrupted).
 */

typedef struct
{
  guint    calls;
  GThread *thread;     /* the thread the last call ran on */
  gboolean destroyed;
} Record;

static void
record_call (gpointer data)
{
  Record *record = data;

  record->calls++;
  record->thread = g_thread_self ();
}

static void
record_destroy (gpointer data)
{
  ((Record *) data)->destroyed = TRUE;
}

static void
wait_for_calls (GMainContext *context,
                const guint  *calls,
                guint         n)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (*calls < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (context, TRUE);
    }
}

static gboolean
count_source_call (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* A plain GLib source for @signum on the default context: the signal
 * stays caught (not fatal) while it is there, and it tells when a signal
 * was delivered.
 */
static GSource *
guard_new (int    signum,
           guint *calls)
{
  GSource *source = g_unix_signal_source_new (signum);

  g_source_set_callback (source, count_source_call, calls, NULL);
  g_source_attach (source, NULL);
  return source;
}

static void
guard_free (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
test_signals_each (void)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH };
  AioLoop *loop = aio_loop_get_default ();
  guint fds = aio_test_count_fds ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      Record record = { 0, };
      GError *error = NULL;
      struct sigaction current;

      g_assert_true (aio_loop_add_signal_handler (loop, signals[i], record_call,
                                                  &record, record_destroy, &error));
      g_assert_no_error (error);
      if (i % 2 == 0)
        raise (signals[i]);
      else
        kill (getpid (), signals[i]);
      wait_for_calls (NULL, &record.calls, 1);
      g_assert_true (record.thread == g_thread_self ());

      /* Twice more: the handler stays. */
      raise (signals[i]);
      wait_for_calls (NULL, &record.calls, 2);

      g_assert_false (record.destroyed);
      g_assert_true (aio_loop_remove_signal_handler (loop, signals[i]));
      g_assert_true (record.destroyed);
      g_assert_false (aio_loop_remove_signal_handler (loop, signals[i]));
      aio_test_drain (NULL);

      /* Back to the default disposition. */
      g_assert_cmpint (sigaction (signals[i], NULL, &current), ==, 0);
      g_assert_true (current.sa_handler == SIG_DFL);
    }
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static void
test_signals_replace (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Record first = { 0, }, second = { 0, };
  GError *error = NULL;

  g_assert_true (aio_loop_add_signal_handler (loop, SIGUSR1, record_call, &first,
                                              record_destroy, &error));
  g_assert_true (aio_loop_add_signal_handler (loop, SIGUSR1, record_call, &second,
                                              record_destroy, &error));
  g_assert_no_error (error);
  g_assert_true (first.destroyed);
  g_assert_false (second.destroyed);

  raise (SIGUSR1);
  wait_for_calls (NULL, &second.calls, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (first.calls, ==, 0);
  g_assert_cmpuint (second.calls, ==, 1);

  g_assert_true (aio_loop_remove_signal_handler (loop, SIGUSR1));
  g_assert_true (second.destroyed);
}

static void
test_signals_remove (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Record record = { 0, };
  guint delivered = 0;
  GSource *guard = guard_new (SIGUSR2, &delivered);

  g_assert_true (aio_loop_add_signal_handler (loop, SIGUSR2, record_call, &record,
                                              record_destroy, NULL));
  g_assert_true (aio_loop_remove_signal_handler (loop, SIGUSR2));
  g_assert_true (record.destroyed);

  raise (SIGUSR2);
  wait_for_calls (NULL, &delivered, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (record.calls, ==, 0);
  guard_free (guard);
}

/* Removed after the signal came but before the loop ran the handler: it
 * does not run, as a cancelled asyncio handle does not.
 */
static void
test_signals_remove_pending (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Record record = { 0, };
  guint delivered = 0;
  GSource *guard = guard_new (SIGHUP, &delivered);

  g_assert_true (aio_loop_add_signal_handler (loop, SIGHUP, record_call, &record,
                                              record_destroy, NULL));
  raise (SIGHUP);
  /* The guard dispatches in the same iteration as the loop's own source
   * queues the handler, which runs on a later turn.
   */
  while (delivered == 0)
    g_main_context_iteration (NULL, TRUE);
  if (record.calls == 0)
    g_assert_true (aio_loop_remove_signal_handler (loop, SIGHUP));
  aio_test_drain (NULL);
  g_assert_cmpuint (record.calls, <=, 1);
  aio_loop_remove_signal_handler (loop, SIGHUP);
  g_assert_true (record.destroyed);
  guard_free (guard);
}

static void
expect_add_fails (int          signum,
                  GQuark       domain,
                  gint         code)
{
  Record record = { 0, };
  GError *error = NULL;

  g_assert_false (aio_loop_add_signal_handler (aio_loop_get_default (), signum,
                                               record_call, &record, record_destroy,
                                               &error));
  g_assert_error (error, domain, code);
  g_assert_true (record.destroyed);
  g_clear_error (&error);
}

static void
test_signals_unsupported (void)
{
  guint fds = aio_test_count_fds ();
  struct sigaction current;

  expect_add_fails (0, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  expect_add_fails (-1, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  expect_add_fails (NSIG, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  expect_add_fails (100000, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  expect_add_fails (SIGKILL, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  expect_add_fails (SIGSTOP, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  expect_add_fails (SIGCHLD, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  expect_add_fails (SIGSEGV, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  expect_add_fails (SIGRTMIN, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);

  g_assert_false (aio_loop_remove_signal_handler (aio_loop_get_default (), SIGKILL));
  g_assert_false (aio_loop_remove_signal_handler (aio_loop_get_default (), -3));
  g_assert_false (aio_loop_remove_signal_handler (aio_loop_get_default (), 100000));
  g_assert_cmpint (sigaction (SIGCHLD, NULL, &current), ==, 0);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

static gpointer
add_from_thread (gpointer data)
{
  expect_add_fails (SIGUSR1, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  return NULL;
}

static void
test_signals_wrong_thread (void)
{
  g_thread_join (g_thread_new ("other", add_from_thread, NULL));
}

/* The loop's context goes: its handlers go with it, never called. */
static void
test_signals_context_destroyed (void)
{
  guint fds = aio_test_count_fds ();
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = g_object_ref (aio_loop_get_for_context (context));
  Record record = { 0, };
  guint delivered = 0;
  GSource *guard = guard_new (SIGUSR1, &delivered);
  GError *error = NULL;

  g_assert_true (aio_loop_add_signal_handler (loop, SIGUSR1, record_call, &record,
                                              record_destroy, NULL));
  g_main_context_unref (context);
  g_assert_true (record.destroyed);

  raise (SIGUSR1);
  wait_for_calls (NULL, &delivered, 1);
  g_assert_cmpuint (record.calls, ==, 0);

  record.destroyed = FALSE;
  g_assert_false (aio_loop_add_signal_handler (loop, SIGUSR1, record_call, &record,
                                               record_destroy, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
  g_assert_true (record.destroyed);
  g_clear_error (&error);
  g_assert_false (aio_loop_remove_signal_handler (loop, SIGUSR1));
  g_object_unref (loop);
  guard_free (guard);
  g_assert_cmpuint (aio_test_count_fds (), ==, fds);
}

/* A loop of another thread runs its handler on that thread. */
typedef struct
{
  Record   record;
  gboolean ready;
  GMutex   lock;
  GCond    cond;
} ThreadData;

static gpointer
thread_loop (gpointer data)
{
  ThreadData *td = data;
  GMainContext *context = g_main_context_new ();
  AioLoop *loop;

  g_main_context_push_thread_default (context);
  loop = aio_loop_get_for_context (context);
  g_assert_true (aio_loop_add_signal_handler (loop, SIGUSR2, record_call, &td->record,
                                              record_destroy, NULL));
  g_mutex_lock (&td->lock);
  td->ready = TRUE;
  g_cond_signal (&td->cond);
  g_mutex_unlock (&td->lock);

  wait_for_calls (context, &td->record.calls, 1);
  g_assert_true (aio_loop_remove_signal_handler (loop, SIGUSR2));
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_signals_other_thread_loop (void)
{
  ThreadData td = { { 0, }, };
  GThread *thread;

  g_mutex_init (&td.lock);
  g_cond_init (&td.cond);
  thread = g_thread_new ("loop", thread_loop, &td);
  g_mutex_lock (&td.lock);
  while (!td.ready)
    g_cond_wait (&td.cond, &td.lock);
  g_mutex_unlock (&td.lock);

  kill (getpid (), SIGUSR2);
  g_thread_join (thread);
  g_assert_true (td.record.thread == thread);
  g_assert_true (td.record.destroyed);
  g_mutex_clear (&td.lock);
  g_cond_clear (&td.cond);
}

/* aio_run() and SIGINT, each in a helper process. */

static GSubprocess *
spawn_helper (const char        *mode,
              GSubprocessFlags   flags)
{
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "signals-helper", NULL);
  GError *error = NULL;
  GSubprocess *process;

  process = g_subprocess_new (flags, &error, helper, mode, NULL);
  g_assert_no_error (error);
  return process;
}

static void
run_helper (const char *mode,
            int         term_sig)
{
  GSubprocess *process = spawn_helper (mode, G_SUBPROCESS_FLAGS_NONE);
  GError *error = NULL;

  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  if (term_sig != 0)
    {
      g_assert_true (g_subprocess_get_if_signaled (process));
      g_assert_cmpint (g_subprocess_get_term_sig (process), ==, term_sig);
    }
  else
    {
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
    }
  g_object_unref (process);
}

static void
test_run_sigint_cancels (void)
{
  run_helper ("cancel", 0);
}

static void
test_run_sigint_swallowed (void)
{
  run_helper ("swallow", 0);
}

static void
test_run_sigint_twice (void)
{
  run_helper ("twice", SIGINT);
}

static void
test_run_sigint_own_handler (void)
{
  run_helper ("own-handler", 0);
}

static void
test_run_sigint_ignored (void)
{
  run_helper ("ignored", 0);
}

static void
test_run_sigint_loop_handler (void)
{
  run_helper ("loop-handler", 0);
}

static void
test_run_sigint_not_main_thread (void)
{
  run_helper ("thread", SIGINT);
}

static void
expect_line (GDataInputStream *lines,
             const char       *expected)
{
  GError *error = NULL;
  char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, expected);
  g_free (line);
}

/* GSubprocess lets go of the child's pipe from GLib's worker thread once
 * it has reaped the child, a moment after g_subprocess_wait() returns.
 */
static void
assert_fds_back_to (guint fds)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* At most as many as before: a descriptor that was open for a moment
   * when the test started (a previous child's, closing) may be gone. */
  while (aio_test_count_fds () > fds && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_cmpuint (aio_test_count_fds (), <=, fds);
}

/* Ctrl-C from outside, twice. */
static void
test_run_sigint_external (void)
{
  guint fds = aio_test_count_fds ();
  GSubprocess *process = spawn_helper ("external", G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  GDataInputStream *lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  GError *error = NULL;

  expect_line (lines, "ready");
  g_subprocess_send_signal (process, SIGINT);
  expect_line (lines, "cancelled");
  g_subprocess_send_signal (process, SIGINT);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGINT);

  g_object_unref (lines);
  g_object_unref (process);
  aio_test_drain (NULL);
  assert_fds_back_to (fds);
}

int
main (int   argc,
      char *argv[])
{
  GSource *warm_up;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* GLib's first signal source starts its worker thread, whose wake-up
   * descriptor stays: open it before any test counts descriptors.
   */
  warm_up = g_unix_signal_source_new (SIGUSR1);
  g_source_unref (warm_up);

  aio_test_add_func ("/aio/signals/each", test_signals_each);
  aio_test_add_func ("/aio/signals/replace", test_signals_replace);
  aio_test_add_func ("/aio/signals/remove", test_signals_remove);
  aio_test_add_func ("/aio/signals/remove-pending", test_signals_remove_pending);
  aio_test_add_func ("/aio/signals/unsupported", test_signals_unsupported);
  aio_test_add_func ("/aio/signals/wrong-thread", test_signals_wrong_thread);
  aio_test_add_func ("/aio/signals/context-destroyed", test_signals_context_destroyed);
  aio_test_add_func ("/aio/signals/other-thread-loop", test_signals_other_thread_loop);
  aio_test_add_func ("/aio/run/sigint/cancels", test_run_sigint_cancels);
  aio_test_add_func ("/aio/run/sigint/swallowed", test_run_sigint_swallowed);
  aio_test_add_func ("/aio/run/sigint/twice", test_run_sigint_twice);
  aio_test_add_func ("/aio/run/sigint/external", test_run_sigint_external);
  aio_test_add_func ("/aio/run/sigint/own-handler", test_run_sigint_own_handler);
  aio_test_add_func ("/aio/run/sigint/ignored", test_run_sigint_ignored);
  aio_test_add_func ("/aio/run/sigint/loop-handler", test_run_sigint_loop_handler);
  aio_test_add_func ("/aio/run/sigint/not-main-thread", test_run_sigint_not_main_thread);

  return g_test_run ();
}
