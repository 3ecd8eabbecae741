/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "aio-test-utils.h"

/* AioLoop: scheduling order, timers, running, file descriptors, threads
 * and the dispatch budget.
 */

typedef struct
{
  GString *log;
  guint    calls;
  guint    destroys;
} Log;

typedef struct
{
  Log  *log;
  char  tag;
} Tag;

static Tag *
tag_new (Log  *log,
         char  tag)
{
  Tag *data = g_new (Tag, 1);

  data->log = log;
  data->tag = tag;
  return data;
}

static void
tag_callback (gpointer user_data)
{
  Tag *tag = user_data;

  g_string_append_c (tag->log->log, tag->tag);
  tag->log->calls++;
}

static void
tag_destroy (gpointer user_data)
{
  Tag *tag = user_data;

  tag->log->destroys++;
  g_free (tag);
}

static void
log_init (Log *log)
{
  log->log = g_string_new (NULL);
  log->calls = 0;
  log->destroys = 0;
}

static void
log_clear (Log *log)
{
  g_string_free (log->log, TRUE);
}

static void
test_loop_identity (void)
{
  AioLoop *loop = aio_loop_get_default ();
  GMainContext *context = g_main_context_new ();
  AioLoop *other = aio_loop_get_for_context (context);
  GMainContext *property = NULL;

  g_assert_true (AIO_IS_LOOP (loop));
  g_assert_true (aio_loop_get_for_context (NULL) == loop);
  g_assert_true (aio_loop_get_for_context (g_main_context_default ()) == loop);
  g_assert_true (aio_loop_get_thread_default () == loop);
  g_assert_true (aio_loop_get_context (loop) == g_main_context_default ());
  g_assert_null (aio_loop_get_running ());
  g_assert_false (aio_loop_is_running (loop));

  g_assert_true (other != loop);
  g_assert_true (aio_loop_get_for_context (context) == other);
  g_assert_true (aio_loop_get_context (other) == context);
  g_object_get (other, "context", &property, NULL);
  g_assert_true (property == context);
  g_main_context_unref (property);

  g_main_context_push_thread_default (context);
  g_assert_true (aio_loop_get_thread_default () == other);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

static void
test_loop_context_destroyed (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = g_object_ref (aio_loop_get_for_context (context));
  AioFuture *future = aio_loop_create_future (loop);
  GError *error = NULL;

  /* The loop does not keep its context alive, and says so when the
   * context is gone.
   */
  g_main_context_unref (context);
  g_assert_null (aio_loop_get_context (loop));
  g_assert_false (aio_loop_run_until_complete (loop, future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_CLOSED);
  g_clear_error (&error);

  g_assert_true (aio_future_cancel (future, NULL));
  g_object_unref (future);
  g_object_unref (loop);
}

static void
test_loop_call_soon_order (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Log log;
  const char *tags = "abcdefghij";
  guint i;

  log_init (&log);
  for (i = 0; tags[i] != '\0'; i++)
    aio_handle_unref (aio_loop_call_soon (loop, tag_callback, tag_new (&log, tags[i]),
                                          tag_destroy));

  /* Scheduled, not run. */
  g_assert_cmpuint (log.calls, ==, 0);
  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, tags);
  g_assert_cmpuint (log.destroys, ==, strlen (tags));
  log_clear (&log);
}

typedef struct
{
  Log     *log;
  AioLoop *loop;
  guint    depth;
} Nested;

/* Work scheduled from a callback runs after what was already waiting. */
static void
nested_callback (gpointer user_data)
{
  Nested *nested = user_data;

  g_assert_true (aio_loop_get_running () == nested->loop);
  g_assert_true (aio_loop_is_running (nested->loop));
  g_string_append_printf (nested->log->log, "n%u", nested->depth);
  if (nested->depth++ < 2)
    aio_handle_unref (aio_loop_call_soon (nested->loop, nested_callback, nested, NULL));
}

static void
test_loop_call_soon_nested (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Nested nested;
  Log log;

  log_init (&log);
  nested.log = &log;
  nested.loop = loop;
  nested.depth = 0;
  aio_handle_unref (aio_loop_call_soon (loop, nested_callback, &nested, NULL));
  aio_handle_unref (aio_loop_call_soon (loop, tag_callback, tag_new (&log, 'X'), tag_destroy));
  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, "n0Xn1n2");
  log_clear (&log);
}

static void
test_loop_call_soon_cancel (void)
{
  AioLoop *loop = aio_loop_get_default ();
  AioHandle *first, *second;
  Log log;

  log_init (&log);
  first = aio_loop_call_soon (loop, tag_callback, tag_new (&log, '1'), tag_destroy);
  second = aio_loop_call_soon (loop, tag_callback, tag_new (&log, '2'), tag_destroy);
  g_assert_false (aio_handle_cancelled (first));
  g_assert_cmpfloat (aio_handle_when (first), ==, -1.0);

  aio_handle_cancel (first);
  aio_handle_cancel (first);
  g_assert_true (aio_handle_cancelled (first));
  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, "2");
  g_assert_cmpuint (log.destroys, ==, 2);

  /* After the callback ran, cancelling changes nothing. */
  aio_handle_cancel (second);
  aio_test_drain (NULL);
  g_assert_cmpuint (log.calls, ==, 1);
  g_assert_cmpuint (log.destroys, ==, 2);

  aio_handle_unref (first);
  aio_handle_unref (second);
  log_clear (&log);
}

/* Timers. */

typedef struct
{
  Log     *log;
  char     tag;
  AioLoop *loop;
  gdouble  due;
  gboolean early;
} TimedTag;

static void
timed_callback (gpointer user_data)
{
  TimedTag *timed = user_data;

  /* A timer never fires before its time. */
  if (aio_loop_time (timed->loop) < timed->due)
    timed->early = TRUE;
  g_string_append_c (timed->log->log, timed->tag);
  timed->log->calls++;
}

static void
test_loop_call_at_order (void)
{
  AioLoop *loop = aio_loop_get_default ();
  TimedTag timed[4];
  const gdouble offsets[] = { 0.030, 0.010, 0.020, 0.0 };
  const char tags[] = "cabZ";
  gdouble base = aio_loop_time (loop);
  Log log;
  guint i;

  log_init (&log);
  for (i = 0; i < G_N_ELEMENTS (timed); i++)
    {
      AioHandle *handle;

      timed[i].log = &log;
      timed[i].tag = tags[i];
      timed[i].loop = loop;
      timed[i].early = FALSE;
      handle = aio_loop_call_at (loop, base + offsets[i], timed_callback, &timed[i], NULL);
      timed[i].due = aio_handle_when (handle);
      /* The clock counts microseconds. */
      g_assert_cmpfloat_with_epsilon (timed[i].due, base + offsets[i], 1e-6);
      aio_handle_unref (handle);
    }

  aio_test_wait_for_count (NULL, &log.calls, G_N_ELEMENTS (timed), 5);
  g_assert_cmpstr (log.log->str, ==, "Zabc");
  for (i = 0; i < G_N_ELEMENTS (timed); i++)
    g_assert_false (timed[i].early);
  g_assert_cmpfloat (aio_loop_time (loop) - base, >=, 0.030 - 1e-6);
  log_clear (&log);
}

static int
compare_due (gconstpointer a,
             gconstpointer b)
{
  const TimedTag *x = a, *y = b;

  return x->due < y->due ? -1 : x->due > y->due;
}

static void
test_loop_call_later_order (void)
{
  AioLoop *loop = aio_loop_get_default ();
  TimedTag timed[4], sorted[4];
  const gdouble delays[] = { 0.030, 0.010, 0.020, 0.0 };
  const char tags[] = "cabZ";
  char expected[5] = { 0, };
  Log log;
  guint i;

  log_init (&log);
  for (i = 0; i < G_N_ELEMENTS (timed); i++)
    {
      gdouble before = aio_loop_time (loop);
      AioHandle *handle;

      timed[i].log = &log;
      timed[i].tag = tags[i];
      timed[i].loop = loop;
      timed[i].early = FALSE;
      handle = aio_loop_call_later (loop, delays[i], timed_callback, &timed[i], NULL);
      timed[i].due = aio_handle_when (handle);
      /* Due @delay after the call, on the loop's clock (in microseconds). */
      g_assert_cmpfloat (timed[i].due, >=, before + delays[i] - 1e-6);
      g_assert_cmpfloat (timed[i].due, <=, aio_loop_time (loop) + delays[i] + 1e-6);
      aio_handle_unref (handle);
    }

  /* They fire in the order of their deadlines, which is "Zabc" unless
   * this thread stalled for milliseconds between two calls.
   */
  memcpy (sorted, timed, sizeof timed);
  qsort (sorted, G_N_ELEMENTS (sorted), sizeof sorted[0], compare_due);
  for (i = 0; i < G_N_ELEMENTS (sorted); i++)
    expected[i] = sorted[i].tag;

  aio_test_wait_for_count (NULL, &log.calls, G_N_ELEMENTS (timed), 5);
  g_assert_cmpstr (log.log->str, ==, expected);
  for (i = 0; i < G_N_ELEMENTS (timed); i++)
    g_assert_false (timed[i].early);
  log_clear (&log);
}

static void
test_loop_call_at_equal_deadlines (void)
{
  AioLoop *loop = aio_loop_get_default ();
  gdouble when = aio_loop_time (loop) + 0.005;
  const char *tags = "0123456789";
  Log log;
  guint i;

  log_init (&log);
  /* Same deadline: in the order they were scheduled, and after an
   * earlier deadline scheduled last.
   */
  for (i = 0; tags[i] != '\0'; i++)
    {
      AioHandle *handle = aio_loop_call_at (loop, when, tag_callback, tag_new (&log, tags[i]),
                                            tag_destroy);

      g_assert_cmpfloat_with_epsilon (aio_handle_when (handle), when, 1e-6);
      aio_handle_unref (handle);
    }
  aio_handle_unref (aio_loop_call_at (loop, when - 0.001, tag_callback, tag_new (&log, 'E'),
                                      tag_destroy));

  aio_test_wait_for_count (NULL, &log.calls, strlen (tags) + 1, 5);
  g_assert_cmpstr (log.log->str, ==, "E0123456789");
  g_assert_cmpuint (log.destroys, ==, strlen (tags) + 1);
  log_clear (&log);
}

static void
test_loop_call_at_past (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Log log;

  log_init (&log);
  aio_handle_unref (aio_loop_call_at (loop, aio_loop_time (loop) - 100, tag_callback,
                                      tag_new (&log, 'P'), tag_destroy));
  aio_handle_unref (aio_loop_call_later (loop, -1, tag_callback, tag_new (&log, 'N'),
                                         tag_destroy));
  g_assert_cmpuint (log.calls, ==, 0);
  aio_test_wait_for_count (NULL, &log.calls, 2, 5);
  g_assert_cmpstr (log.log->str, ==, "PN");
  log_clear (&log);
}

static void
test_loop_timer_cancel (void)
{
  AioLoop *loop = aio_loop_get_default ();
  AioHandle *cancelled, *kept;
  Log log;

  log_init (&log);
  cancelled = aio_loop_call_later (loop, 0.001, tag_callback, tag_new (&log, 'C'), tag_destroy);
  kept = aio_loop_call_later (loop, 0.002, tag_callback, tag_new (&log, 'K'), tag_destroy);

  /* Cancelled on the loop's thread: the data is released at once. */
  aio_handle_cancel (cancelled);
  g_assert_true (aio_handle_cancelled (cancelled));
  g_assert_cmpuint (log.destroys, ==, 1);
  aio_handle_cancel (cancelled);
  g_assert_cmpuint (log.destroys, ==, 1);

  aio_test_wait_for_count (NULL, &log.calls, 1, 5);
  g_assert_cmpstr (log.log->str, ==, "K");
  g_assert_cmpuint (log.destroys, ==, 2);

  /* A timer that already ran ignores cancellation. */
  aio_handle_cancel (kept);
  g_assert_cmpuint (log.destroys, ==, 2);

  aio_handle_unref (cancelled);
  aio_handle_unref (kept);
  log_clear (&log);
}

static gpointer
cancel_handle_thread (gpointer data)
{
  aio_handle_cancel (data);
  return NULL;
}

static void
test_loop_timer_cancel_thread (void)
{
  AioLoop *loop = aio_loop_get_default ();
  AioHandle *handle;
  AioHandle *marker;
  Log log;

  log_init (&log);
  handle = aio_loop_call_later (loop, 0.001, tag_callback, tag_new (&log, 'C'), tag_destroy);
  g_thread_join (g_thread_new ("cancel", cancel_handle_thread, handle));
  g_assert_true (aio_handle_cancelled (handle));

  /* A later timer fires; the cancelled one never does, and its data is
   * released on the loop's thread.
   */
  marker = aio_loop_call_later (loop, 0.005, tag_callback, tag_new (&log, 'M'), tag_destroy);
  aio_test_wait_for_count (NULL, &log.calls, 1, 5);
  g_assert_cmpstr (log.log->str, ==, "M");
  g_assert_cmpuint (log.destroys, ==, 2);

  aio_handle_unref (handle);
  aio_handle_unref (marker);
  log_clear (&log);
}

static void
test_loop_time_monotonic (void)
{
  AioLoop *loop = aio_loop_get_default ();
  gdouble previous = aio_loop_time (loop);
  gint64 now_us = g_get_monotonic_time ();
  guint i;

  /* The clock is g_get_monotonic_time() in seconds. */
  g_assert_cmpfloat (fabs (previous - (gdouble) now_us / G_USEC_PER_SEC), <, 0.5);
  for (i = 0; i < 10000; i++)
    {
      gdouble now = aio_loop_time (loop);

      g_assert_cmpfloat (now, >=, previous);
      previous = now;
    }
}

/* run_until_complete(). */

static void
cancel_future_cb (gpointer user_data)
{
  g_assert_true (aio_future_cancel (user_data, "timer"));
}

static void
test_loop_run_until_complete (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioFuture) success = aio_loop_create_future (loop);
  g_autoptr(AioFuture) failure = aio_loop_create_future (loop);
  g_autoptr(AioFuture) cancelled = aio_loop_create_future (loop);
  g_autoptr(GError) error = NULL;
  AioHandle *handle;

  g_assert_true (aio_future_get_loop (success) == loop);

  handle = aio_loop_call_later (loop, 0.001, cancel_future_cb, cancelled, NULL);
  aio_handle_unref (handle);
  g_assert_false (aio_loop_run_until_complete (loop, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (aio_loop_is_running (loop));

  g_assert_true (aio_future_take_error (failure,
                                        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "nope"),
                                        NULL));
  g_assert_false (aio_loop_run_until_complete (loop, failure, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (aio_future_set_int (success, 1, NULL));
  g_assert_true (aio_loop_run_until_complete (loop, success, &error));
  g_assert_no_error (error);
}

static void
count_done (AioFuture *future,
            gpointer   user_data)
{
  guint *calls = user_data;

  (*calls)++;
}

static void
test_loop_run_until_complete_done (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioFuture) future = aio_loop_create_future (loop);
  guint calls = 0;

  /* An already-done future still gets one turn, so its due callbacks run. */
  aio_future_add_done_callback (future, count_done, &calls, NULL);
  g_assert_true (aio_future_set_int (future, 1, NULL));
  g_assert_true (aio_loop_run_until_complete (loop, future, NULL));
  g_assert_cmpuint (calls, ==, 1);
}

typedef struct
{
  AioLoop   *loop;
  AioFuture *future;
  GError    *error;
  gboolean   ran;
} Reentry;

static void
reenter_from_callback (gpointer user_data)
{
  Reentry *reentry = user_data;

  reentry->ran = TRUE;
  g_assert_false (aio_loop_run_until_complete (reentry->loop, reentry->future, &reentry->error));
  /* Still pending: the refusal did not touch it. */
  g_assert_false (aio_future_done (reentry->future));
  g_assert_true (aio_future_set_int (reentry->future, 9, NULL));
}

static void
test_loop_running_from_callback (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioFuture) future = aio_loop_create_future (loop);
  Reentry reentry = { loop, future, NULL, FALSE };

  aio_handle_unref (aio_loop_call_soon (loop, reenter_from_callback, &reentry, NULL));
  g_assert_true (aio_loop_run_until_complete (loop, future, NULL));
  g_assert_true (reentry.ran);
  g_assert_error (reentry.error, AIO_ERROR, AIO_ERROR_LOOP_RUNNING);
  g_clear_error (&reentry.error);
}

static void
reenter_from_task (AioTask  *task,
                   gpointer  user_data)
{
  Reentry *reentry = user_data;
  g_autoptr(AioFuture) other = aio_loop_create_future (reentry->loop);

  reentry->ran = TRUE;
  g_assert_true (aio_future_set_int (other, 1, NULL));
  /* Even a future that is done: the loop is busy running this task. */
  g_assert_false (aio_loop_run_until_complete (reentry->loop, other, &reentry->error));
  aio_task_return_boolean (task, TRUE);
}

static void
test_loop_running_from_task (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Reentry reentry = { loop, NULL, NULL, FALSE };
  g_autoptr(AioTask) task = aio_task_new (reenter_from_task, &reentry, NULL);

  g_assert_true (aio_loop_run_until_complete (loop, AIO_FUTURE (task), NULL));
  g_assert_true (reentry.ran);
  g_assert_error (reentry.error, AIO_ERROR, AIO_ERROR_LOOP_RUNNING);
  g_clear_error (&reentry.error);
  aio_test_drain (NULL);
}

static void
test_loop_run_other_loop (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *other = aio_loop_get_for_context (context);
  g_autoptr(AioFuture) future = aio_loop_create_future (other);
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_loop_run_until_complete (aio_loop_get_default (), future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (aio_future_set_int (future, 2, NULL));
  g_assert_true (aio_loop_run_until_complete (other, future, &error));
  g_assert_no_error (error);
  aio_test_drain (context);
  g_main_context_unref (context);
}

/* Someone else iterates the context: a plain GMainLoop. */

typedef struct
{
  GMainLoop *main_loop;
  AioLoop   *loop;
  guint      steps;
} Foreign;

static void
foreign_body (AioTask  *task,
              gpointer  user_data)
{
  Foreign *foreign = user_data;
  GError *error = NULL;
  guint i;

  for (i = 0; i < 3; i++)
    {
      g_assert_true (aio_loop_get_running () == foreign->loop);
      g_assert_true (aio_loop_is_running (foreign->loop));
      g_assert_true (aio_await (aio_sleep (0.001), &error));
      g_assert_no_error (error);
      foreign->steps++;
    }
  aio_task_return_int (task, 3);
}

static void
quit_main_loop (AioFuture *future,
                gpointer   user_data)
{
  g_main_loop_quit (user_data);
}

static void
test_loop_foreign_main_loop (void)
{
  Foreign foreign = { g_main_loop_new (NULL, FALSE), aio_loop_get_default (), 0 };
  g_autoptr(AioTask) task = aio_task_new (foreign_body, &foreign, NULL);

  aio_future_add_done_callback (AIO_FUTURE (task), quit_main_loop, foreign.main_loop, NULL);
  g_main_loop_run (foreign.main_loop);

  g_assert_cmpuint (foreign.steps, ==, 3);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 3);
  g_assert_false (aio_loop_is_running (foreign.loop));
  g_main_loop_unref (foreign.main_loop);
  aio_test_drain (NULL);
}

/* File descriptors. */

typedef struct
{
  int      fd;
  guint    calls;
  guint    destroys;
  guint    consume_after;   /* read the data on this call; 0: never */
  gssize   last_read;
  AioLoop *loop;
  gboolean remove_writer;   /* writer: remove itself on its third call */
} Probe;

static void
probe_reader (gpointer user_data)
{
  Probe *probe = user_data;

  probe->calls++;
  if (probe->consume_after != 0 && probe->calls >= probe->consume_after)
    {
      char buf[64];

      probe->last_read = read (probe->fd, buf, sizeof buf);
    }
}

static void
probe_writer (gpointer user_data)
{
  Probe *probe = user_data;

  probe->calls++;
  if (probe->remove_writer && probe->calls == 3)
    g_assert_true (aio_loop_remove_writer (probe->loop, probe->fd));
}

static void
probe_destroy (gpointer user_data)
{
  Probe *probe = user_data;

  probe->destroys++;
}

static Probe
probe_init (AioLoop *loop,
            int      fd)
{
  Probe probe = { fd, 0, 0, 0, -2, loop, FALSE };

  return probe;
}

static void
write_byte (int fd)
{
  g_assert_cmpint (write (fd, "x", 1), ==, 1);
}

static void
test_loop_reader_level_triggered (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  int fds[2];
  Probe probe;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_true (g_unix_set_fd_nonblocking (fds[0], TRUE, NULL));
  probe = probe_init (loop, fds[0]);
  probe.consume_after = 3;

  g_assert_true (aio_loop_add_reader (loop, fds[0], probe_reader, &probe, probe_destroy, &error));
  g_assert_no_error (error);
  aio_test_drain (NULL);
  g_assert_cmpuint (probe.calls, ==, 0);

  /* Unread data keeps calling, once per turn, until it is consumed. */
  write_byte (fds[1]);
  aio_test_wait_for_count (NULL, &probe.calls, 3, 5);
  g_assert_cmpint (probe.last_read, ==, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (probe.calls, ==, 3);

  write_byte (fds[1]);
  aio_test_wait_for_count (NULL, &probe.calls, 4, 5);
  g_assert_cmpint (probe.last_read, ==, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (probe.calls, ==, 4);

  /* The other end hanging up is readiness too: read() returns 0. */
  close (fds[1]);
  aio_test_wait_for_count (NULL, &probe.calls, 5, 5);
  g_assert_cmpint (probe.last_read, ==, 0);

  g_assert_cmpuint (probe.destroys, ==, 0);
  g_assert_true (aio_loop_remove_reader (loop, fds[0]));
  g_assert_cmpuint (probe.destroys, ==, 1);
  g_assert_false (aio_loop_remove_reader (loop, fds[0]));
  g_assert_cmpuint (probe.destroys, ==, 1);
  probe.calls = 0;
  aio_test_drain (NULL);
  g_assert_cmpuint (probe.calls, ==, 0);
  close (fds[0]);
}

static void
test_loop_writer_pipe (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  int fds[2];
  Probe probe;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  probe = probe_init (loop, fds[1]);
  probe.remove_writer = TRUE;

  /* An empty pipe is writable on every turn, until the writer goes. */
  g_assert_true (aio_loop_add_writer (loop, fds[1], probe_writer, &probe, probe_destroy, &error));
  g_assert_no_error (error);
  aio_test_wait_for_count (NULL, &probe.calls, 3, 5);
  g_assert_cmpuint (probe.destroys, ==, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (probe.calls, ==, 3);
  g_assert_false (aio_loop_remove_writer (loop, fds[1]));

  close (fds[0]);
  close (fds[1]);
}

static void
test_loop_socketpair_both (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  int fds[2];
  Probe reader, writer, peer;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
  reader = probe_init (loop, fds[0]);
  reader.consume_after = 1;
  writer = probe_init (loop, fds[0]);
  writer.remove_writer = TRUE;
  peer = probe_init (loop, fds[1]);
  peer.consume_after = 1;

  /* A reader and a writer on one descriptor are independent. */
  g_assert_true (aio_loop_add_reader (loop, fds[0], probe_reader, &reader, probe_destroy, &error));
  g_assert_true (aio_loop_add_writer (loop, fds[0], probe_writer, &writer, probe_destroy, &error));
  g_assert_true (aio_loop_add_reader (loop, fds[1], probe_reader, &peer, probe_destroy, &error));
  g_assert_no_error (error);

  aio_test_wait_for_count (NULL, &writer.calls, 3, 5);
  g_assert_cmpuint (writer.destroys, ==, 1);
  g_assert_cmpuint (reader.calls, ==, 0);
  g_assert_cmpuint (peer.calls, ==, 0);

  /* The reader survived the writer's removal. */
  write_byte (fds[1]);
  aio_test_wait_for_count (NULL, &reader.calls, 1, 5);
  g_assert_cmpint (reader.last_read, ==, 1);
  write_byte (fds[0]);
  aio_test_wait_for_count (NULL, &peer.calls, 1, 5);
  g_assert_cmpint (peer.last_read, ==, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (reader.calls, ==, 1);
  g_assert_cmpuint (peer.calls, ==, 1);
  g_assert_cmpuint (writer.calls, ==, 3);

  g_assert_true (aio_loop_remove_reader (loop, fds[0]));
  g_assert_true (aio_loop_remove_reader (loop, fds[1]));
  g_assert_cmpuint (reader.destroys, ==, 1);
  g_assert_cmpuint (peer.destroys, ==, 1);
  close (fds[0]);
  close (fds[1]);
}

static void
test_loop_reader_replace (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  int fds[2];
  Probe first, second;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_true (g_unix_set_fd_nonblocking (fds[0], TRUE, NULL));
  first = probe_init (loop, fds[0]);
  first.consume_after = 1;
  second = probe_init (loop, fds[0]);
  second.consume_after = 1;

  g_assert_true (aio_loop_add_reader (loop, fds[0], probe_reader, &first, probe_destroy, &error));
  g_assert_true (aio_loop_add_reader (loop, fds[0], probe_reader, &second, probe_destroy, &error));
  g_assert_no_error (error);
  /* The replaced reader's data goes at once. */
  g_assert_cmpuint (first.destroys, ==, 1);

  write_byte (fds[1]);
  aio_test_wait_for_count (NULL, &second.calls, 1, 5);
  aio_test_drain (NULL);
  g_assert_cmpuint (first.calls, ==, 0);
  g_assert_cmpuint (second.calls, ==, 1);

  g_assert_true (aio_loop_remove_reader (loop, fds[0]));
  g_assert_cmpuint (second.destroys, ==, 1);
  close (fds[0]);
  close (fds[1]);
}

static void
test_loop_reader_regular_file (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "regular", NULL);
  Probe probe;
  int fd;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "data", -1, &error));
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  probe = probe_init (loop, fd);

  /* epoll refuses regular files (EPERM); the caller hears about it and
   * its data is released, as documented.
   */
  g_assert_false (aio_loop_add_reader (loop, fd, probe_reader, &probe, probe_destroy, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, g_strerror (EPERM)));
  g_clear_error (&error);
  g_assert_cmpuint (probe.destroys, ==, 1);

  g_assert_false (aio_loop_add_writer (loop, fd, probe_writer, &probe, probe_destroy, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (probe.destroys, ==, 2);
  g_assert_false (aio_loop_remove_reader (loop, fd));
  g_assert_false (aio_loop_remove_writer (loop, fd));
  aio_test_drain (NULL);
  g_assert_cmpuint (probe.calls, ==, 0);
  close (fd);
}

static void
test_loop_reader_closed_reopened (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  int old_fds[2], new_fds[2];
  Probe stale, fresh;
  int fd;

  g_assert_true (g_unix_open_pipe (old_fds, FD_CLOEXEC, &error));
  fd = old_fds[0];
  stale = probe_init (loop, fd);
  g_assert_true (aio_loop_add_reader (loop, fd, probe_reader, &stale, probe_destroy, &error));
  g_assert_no_error (error);

  /* Closed behind the loop's back (epoll forgets it), then the number
   * comes back for another pipe.
   */
  close (old_fds[0]);
  close (old_fds[1]);
  g_assert_true (g_unix_open_pipe (new_fds, FD_CLOEXEC, &error));
  if (new_fds[0] != fd)
    {
      g_assert_cmpint (dup2 (new_fds[0], fd), ==, fd);
      close (new_fds[0]);
      new_fds[0] = fd;
    }
  g_assert_true (g_unix_set_fd_nonblocking (fd, TRUE, NULL));

  fresh = probe_init (loop, fd);
  fresh.consume_after = 1;
  g_assert_true (aio_loop_add_reader (loop, fd, probe_reader, &fresh, probe_destroy, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stale.destroys, ==, 1);

  write_byte (new_fds[1]);
  aio_test_wait_for_count (NULL, &fresh.calls, 1, 5);
  g_assert_cmpint (fresh.last_read, ==, 1);
  g_assert_cmpuint (stale.calls, ==, 0);

  /* And once more, removing after the close this time. */
  close (new_fds[0]);
  g_assert_true (aio_loop_remove_reader (loop, fd));
  g_assert_cmpuint (fresh.destroys, ==, 1);
  close (new_fds[1]);
  aio_test_drain (NULL);
  g_assert_cmpuint (fresh.calls, ==, 1);
}

typedef struct
{
  AioLoop *loop;
  int      fd;
  Probe    probe;
  gboolean added;
  GError  *error;
} WrongThread;

static gpointer
add_reader_thread (gpointer data)
{
  WrongThread *wrong = data;

  wrong->added = aio_loop_add_reader (wrong->loop, wrong->fd, probe_reader, &wrong->probe,
                                      probe_destroy, &wrong->error);
  return NULL;
}

static void
test_loop_reader_wrong_thread (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(GError) error = NULL;
  WrongThread wrong = { loop, -1, { 0, }, TRUE, NULL };
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  wrong.fd = fds[0];
  wrong.probe = probe_init (loop, fds[0]);
  g_thread_join (g_thread_new ("wrong", add_reader_thread, &wrong));

  g_assert_false (wrong.added);
  g_assert_error (wrong.error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
  g_assert_cmpuint (wrong.probe.destroys, ==, 1);
  g_clear_error (&wrong.error);
  g_assert_false (aio_loop_remove_reader (loop, fds[0]));
  close (fds[0]);
  close (fds[1]);
}

/* A loop on a non-default context, run by another thread. */

typedef struct
{
  GAsyncQueue *to_main;      /* futures handed to the main thread */
  AioFuture   *main_future;  /* (owned) of the default loop; the worker's task sets it */
  AioLoop     *worker_loop;
  gint         result;
  gboolean     on_worker;
} Worker;

static void
worker_body (AioTask  *task,
             gpointer  user_data)
{
  Worker *worker = user_data;
  GError *error = NULL;
  AioFuture *from_main;
  AioFuture *cross;
  gint a, b;

  worker->on_worker = aio_loop_get_running () == worker->worker_loop;

  /* Set by the main thread: its result crosses threads to our loop. */
  from_main = aio_loop_create_future (worker->worker_loop);
  g_async_queue_push (worker->to_main, g_object_ref (from_main));
  a = aio_await_int (from_main, &error);
  g_assert_no_error (error);

  /* A future of the main thread's loop: the wake-up crosses loops. */
  cross = aio_loop_create_future (aio_loop_get_default ());
  g_async_queue_push (worker->to_main, g_object_ref (cross));
  b = aio_await_int (cross, &error);
  g_assert_no_error (error);

  /* Completing a future of the other loop from here. */
  g_assert_true (aio_future_set_int (worker->main_future, a + b, &error));
  g_assert_no_error (error);
  aio_task_return_int (task, a * b);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  GMainContext *context = g_main_context_new ();
  AioTask *task;
  GError *error = NULL;

  g_main_context_push_thread_default (context);
  worker->worker_loop = aio_loop_get_thread_default ();
  g_assert_true (worker->worker_loop != aio_loop_get_default ());
  g_assert_true (aio_loop_get_context (worker->worker_loop) == context);

  task = aio_task_new (worker_body, worker, NULL);
  g_assert_true (aio_future_get_loop (AIO_FUTURE (task)) == worker->worker_loop);
  g_assert_true (aio_loop_run_until_complete (worker->worker_loop, AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  worker->result = aio_future_get_int (AIO_FUTURE (task), NULL);
  g_object_unref (task);
  aio_test_assert_no_tasks (worker->worker_loop);
  aio_test_drain (context);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_loop_other_thread_context (void)
{
  AioLoop *loop = aio_loop_get_default ();
  Worker worker = { g_async_queue_new (), aio_loop_create_future (loop), NULL, 0, FALSE };
  GThread *thread = g_thread_new ("worker", worker_thread, &worker);
  AioFuture *from_main, *cross;
  GError *error = NULL;

  from_main = g_async_queue_pop (worker.to_main);
  g_assert_true (aio_future_get_loop (from_main) != loop);
  g_assert_true (aio_future_set_int (from_main, 6, &error));
  g_assert_no_error (error);

  cross = g_async_queue_pop (worker.to_main);
  g_assert_true (aio_future_get_loop (cross) == loop);
  g_assert_true (aio_future_set_int (cross, 7, &error));
  g_assert_no_error (error);

  /* The worker's task sets this one from its own thread. */
  g_assert_true (aio_loop_run_until_complete (loop, worker.main_future, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (worker.main_future, NULL), ==, 13);

  g_thread_join (thread);
  g_assert_true (worker.on_worker);
  g_assert_cmpint (worker.result, ==, 42);

  g_object_unref (from_main);
  g_object_unref (cross);
  g_object_unref (worker.main_future);
  g_async_queue_unref (worker.to_main);
  aio_test_drain (NULL);
}

/* A thread's loop goes away with its context once the thread is gone,
 * even after futures and tasks were recycled on that thread.
 */

static void
yield_a_few (AioTask  *task,
             gpointer  user_data)
{
  GError *error = NULL;
  guint i;

  for (i = 0; i < 10; i++)
    g_assert_true (aio_yield (&error));
  g_assert_true (aio_await (aio_sleep (0.001), &error));
}

static gpointer
short_lived_thread (gpointer data)
{
  AioLoop **loop = data;
  GMainContext *context = g_main_context_new ();
  AioTask *tasks[3];
  guint i;

  g_main_context_push_thread_default (context);
  *loop = aio_loop_get_thread_default ();
  g_object_add_weak_pointer (G_OBJECT (*loop), (gpointer *) loop);

  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    tasks[i] = aio_task_new (yield_a_few, NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_assert_true (aio_loop_run_until_complete (*loop, AIO_FUTURE (tasks[i]), NULL));
      g_object_unref (tasks[i]);
    }
  aio_test_drain (context);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

static void
test_loop_thread_exit_frees_loop (void)
{
  AioLoop *loop = NULL;

  g_thread_join (g_thread_new ("short-lived", short_lived_thread, &loop));
  g_assert_null (loop);
}

/* call_soon_threadsafe() from many threads at once. */

#define N_POSTERS       4
#define POSTS_PER_THREAD 5000

typedef struct
{
  AioLoop *loop;
  guint    thread_index;
  guint   *hits;            /* one slot per callback */
  guint    calls;           /* (atomic) */
  guint    destroys;        /* (atomic) */
  GThread *loop_thread;
  gboolean wrong_thread;
} Flood;

typedef struct
{
  Flood *flood;
  guint  slot;
} FloodItem;

static void
flood_callback (gpointer user_data)
{
  FloodItem *item = user_data;

  if (g_thread_self () != item->flood->loop_thread)
    item->flood->wrong_thread = TRUE;
  item->flood->hits[item->slot]++;
  g_atomic_int_inc (&item->flood->calls);
}

static void
flood_destroy (gpointer user_data)
{
  FloodItem *item = user_data;

  g_atomic_int_inc (&item->flood->destroys);
  g_free (item);
}

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  guint index = g_atomic_int_add (&flood->thread_index, 1);
  guint i;

  for (i = 0; i < POSTS_PER_THREAD; i++)
    {
      FloodItem *item = g_new (FloodItem, 1);
      AioHandle *handle;

      item->flood = flood;
      item->slot = index * POSTS_PER_THREAD + i;
      /* Half through the plain call_soon(), which forwards off-thread. */
      if (i % 2 == 0)
        handle = aio_loop_call_soon_threadsafe (flood->loop, flood_callback, item, flood_destroy);
      else
        handle = aio_loop_call_soon (flood->loop, flood_callback, item, flood_destroy);
      aio_handle_unref (handle);
    }
  return NULL;
}

static void
test_loop_call_soon_threadsafe_flood (void)
{
  Flood flood = { aio_loop_get_default (), 0, NULL, 0, 0, g_thread_self (), FALSE };
  GThread *threads[N_POSTERS];
  guint total = N_POSTERS * POSTS_PER_THREAD;
  guint i;

  flood.hits = g_new0 (guint, total);
  for (i = 0; i < N_POSTERS; i++)
    threads[i] = g_thread_new ("poster", flood_thread, &flood);

  /* The loop runs while they post, and wakes for what comes later. */
  aio_test_wait_for_count (NULL, &flood.calls, total, 20);
  for (i = 0; i < N_POSTERS; i++)
    g_thread_join (threads[i]);
  aio_test_drain (NULL);

  g_assert_false (flood.wrong_thread);
  g_assert_cmpuint (flood.calls, ==, total);
  g_assert_cmpuint (flood.destroys, ==, total);
  for (i = 0; i < total; i++)
    g_assert_cmpuint (flood.hits[i], ==, 1);
  g_free (flood.hits);
}

static gpointer
cancel_soon_thread (gpointer data)
{
  AioHandle *handle = data;

  aio_handle_cancel (handle);
  return NULL;
}

static void
test_loop_call_soon_threadsafe_cancel (void)
{
  AioLoop *loop = aio_loop_get_default ();
  AioHandle *handle;
  Log log;

  log_init (&log);
  handle = aio_loop_call_soon_threadsafe (loop, tag_callback, tag_new (&log, 'S'), tag_destroy);
  g_thread_join (g_thread_new ("cancel", cancel_soon_thread, handle));
  aio_test_drain (NULL);
  g_assert_cmpuint (log.calls, ==, 0);
  g_assert_cmpuint (log.destroys, ==, 1);
  aio_handle_unref (handle);
  log_clear (&log);
}

/* The dispatch budget: a busy loop still lets idle sources run. */

typedef struct
{
  gboolean idle_ran;
  guint    yields;
  guint    yields_before_idle;
} Busy;

static gboolean
idle_cb (gpointer user_data)
{
  Busy *busy = user_data;

  busy->idle_ran = TRUE;
  busy->yields_before_idle = busy->yields;
  return G_SOURCE_REMOVE;
}

static void
busy_body (AioTask  *task,
           gpointer  user_data)
{
  Busy *busy = user_data;
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GError *error = NULL;

  /* Always ready: without a budget this would starve everything below
   * the loop's priority.
   */
  while (!busy->idle_ran)
    {
      if (!aio_yield (&error))
        {
          aio_task_return_error (task, error);
          return;
        }
      busy->yields++;
      if (g_get_monotonic_time () > give_up)
        {
          aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                                            "the idle source never ran"));
          return;
        }
    }
  aio_task_return_boolean (task, TRUE);
}

static void
test_loop_budget_idle (void)
{
  Busy busy = { FALSE, 0, 0 };
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;
  guint idle_id;

  idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, idle_cb, &busy, NULL);
  task = aio_task_new (busy_body, &busy, NULL);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_true (busy.idle_ran);
  /* The task did run in between: the loop was busy, not idle. */
  g_assert_cmpuint (busy.yields_before_idle, >, 1);
  g_assert_null (g_main_context_find_source_by_id (NULL, idle_id));
  aio_test_drain (NULL);
}

typedef struct
{
  AioLoop  *loop;
  gboolean  idle_ran;
  guint     callbacks;
  gint64    give_up;
} Storm;

static void
storm_callback (gpointer user_data)
{
  Storm *storm = user_data;

  storm->callbacks++;
  if (!storm->idle_ran && g_get_monotonic_time () < storm->give_up)
    aio_handle_unref (aio_loop_call_soon (storm->loop, storm_callback, storm, NULL));
}

static gboolean
storm_idle (gpointer user_data)
{
  Storm *storm = user_data;

  storm->idle_ran = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_loop_budget_callbacks (void)
{
  Storm storm = { aio_loop_get_default (), FALSE, 0, 0 };

  storm.give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* Two chains of callbacks that always reschedule themselves. */
  g_idle_add_full (G_PRIORITY_LOW, storm_idle, &storm, NULL);
  aio_handle_unref (aio_loop_call_soon (storm.loop, storm_callback, &storm, NULL));
  aio_handle_unref (aio_loop_call_soon (storm.loop, storm_callback, &storm, NULL));
  aio_test_wait_for_flag (&storm.idle_ran, 15);
  g_assert_cmpuint (storm.callbacks, >, 2);
  aio_test_drain (NULL);
}

/* Slow callbacks: the clock is read often enough that a dispatch keeps
 * to its budget, so a low-priority source runs every few milliseconds
 * instead of once per 128 callbacks. */
typedef struct
{
  AioLoop  *loop;
  gint64    last_idle;
  gint64    longest_gap;
  guint     idles;
  gboolean  stop;
} SlowStorm;

static void
slow_storm_callback (gpointer user_data)
{
  SlowStorm *storm = user_data;

  g_usleep (1000);
  if (!storm->stop)
    aio_handle_unref (aio_loop_call_soon (storm->loop, slow_storm_callback, storm, NULL));
}

static gboolean
slow_storm_idle (gpointer user_data)
{
  SlowStorm *storm = user_data;
  gint64 now = g_get_monotonic_time ();

  if (storm->last_idle != 0)
    storm->longest_gap = MAX (storm->longest_gap, now - storm->last_idle);
  storm->last_idle = now;
  if (++storm->idles < 20)
    return G_SOURCE_CONTINUE;
  storm->stop = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_loop_budget_slow_callbacks (void)
{
  SlowStorm storm = { aio_loop_get_default (), 0, 0, 0, FALSE };

  g_idle_add_full (G_PRIORITY_LOW, slow_storm_idle, &storm, NULL);
  aio_handle_unref (aio_loop_call_soon (storm.loop, slow_storm_callback, &storm, NULL));
  aio_handle_unref (aio_loop_call_soon (storm.loop, slow_storm_callback, &storm, NULL));
  aio_test_wait_for_flag (&storm.stop, 30);
  /* Two budgets' worth of 1 ms callbacks, not 128 of them. */
  g_assert_cmpint (storm.longest_gap, <, 40000);
  aio_test_drain (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/loop/identity", test_loop_identity);
  aio_test_add_func ("/aio/loop/context-destroyed", test_loop_context_destroyed);
  aio_test_add_func ("/aio/loop/call-soon/order", test_loop_call_soon_order);
  aio_test_add_func ("/aio/loop/call-soon/nested", test_loop_call_soon_nested);
  aio_test_add_func ("/aio/loop/call-soon/cancel", test_loop_call_soon_cancel);
  aio_test_add_func ("/aio/loop/call-at/order", test_loop_call_at_order);
  aio_test_add_func ("/aio/loop/call-later/order", test_loop_call_later_order);
  aio_test_add_func ("/aio/loop/call-at/equal-deadlines", test_loop_call_at_equal_deadlines);
  aio_test_add_func ("/aio/loop/call-at/past", test_loop_call_at_past);
  aio_test_add_func ("/aio/loop/timer/cancel", test_loop_timer_cancel);
  aio_test_add_func ("/aio/loop/timer/cancel-thread", test_loop_timer_cancel_thread);
  aio_test_add_func ("/aio/loop/time", test_loop_time_monotonic);
  aio_test_add_func ("/aio/loop/run-until-complete/outcomes", test_loop_run_until_complete);
  aio_test_add_func ("/aio/loop/run-until-complete/already-done",
                     test_loop_run_until_complete_done);
  aio_test_add_func ("/aio/loop/run-until-complete/from-callback", test_loop_running_from_callback);
  aio_test_add_func ("/aio/loop/run-until-complete/from-task", test_loop_running_from_task);
  aio_test_add_func ("/aio/loop/run-until-complete/other-loop", test_loop_run_other_loop);
  aio_test_add_func ("/aio/loop/foreign-main-loop", test_loop_foreign_main_loop);
  aio_test_add_func ("/aio/loop/io/reader-level-triggered", test_loop_reader_level_triggered);
  aio_test_add_func ("/aio/loop/io/writer-pipe", test_loop_writer_pipe);
  aio_test_add_func ("/aio/loop/io/socketpair", test_loop_socketpair_both);
  aio_test_add_func ("/aio/loop/io/replace", test_loop_reader_replace);
  aio_test_add_func ("/aio/loop/io/regular-file", test_loop_reader_regular_file);
  aio_test_add_func ("/aio/loop/io/closed-reopened", test_loop_reader_closed_reopened);
  aio_test_add_func ("/aio/loop/io/wrong-thread", test_loop_reader_wrong_thread);
  aio_test_add_func ("/aio/loop/thread/other-context", test_loop_other_thread_context);
  aio_test_add_func ("/aio/loop/thread/exit-frees-loop", test_loop_thread_exit_frees_loop);
  aio_test_add_func ("/aio/loop/thread/call-soon-threadsafe", test_loop_call_soon_threadsafe_flood);
  aio_test_add_func ("/aio/loop/thread/cancel-soon", test_loop_call_soon_threadsafe_cancel);
  aio_test_add_func ("/aio/loop/budget/idle", test_loop_budget_idle);
  aio_test_add_func ("/aio/loop/budget/callbacks", test_loop_budget_callbacks);
  aio_test_add_func ("/aio/loop/budget/slow-callbacks", test_loop_budget_slow_callbacks);

  return g_test_run ();
}
