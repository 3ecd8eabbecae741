/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Destroying a main context whose loop still has work queued: every kind
 * of queued item lets go of what it holds.  Each test queues one kind of
 * work on a fresh context, destroys the context without iterating it, and
 * counts the objects and user data that are still alive, which must be
 * none.  The valgrind test setup checks the same from the allocator's side.
 */
#include "config.h"

#include <unistd.h>

#include "aio-test-utils.h"

typedef struct
{
  GMainContext *context;
  AioLoop      *loop;      /* (unowned) the context's */
  guint         alive;     /* (atomic) tracked objects and data not freed yet */
  gboolean      ran;       /* something that must not run did */
  AioFuture    *gate;      /* (owned) (nullable) what a test's task awaits */
  AioTimeout   *timeout;   /* (owned) (nullable) left by an abandoned body */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->context = g_main_context_new ();
  g_main_context_push_thread_default (fixture->context);
  fixture->loop = aio_loop_get_thread_default ();
}

static void
object_freed (gpointer  data,
              GObject  *where_the_object_was)
{
  Fixture *fixture = data;

  g_atomic_int_dec_and_test (&fixture->alive);
}

/* Counts @object as alive until it is finalized.  A weak reference also
 * keeps the library from recycling it, so "freed" means finalized.
 */
static gpointer
track (Fixture  *fixture,
       gpointer  object)
{
  g_atomic_int_inc (&fixture->alive);
  g_object_weak_ref (object, object_freed, fixture);
  return object;
}

/* User data whose destroy notify is data_freed(). */
static gpointer
tracked_data (Fixture *fixture)
{
  g_atomic_int_inc (&fixture->alive);
  return fixture;
}

static void
data_freed (gpointer data)
{
  Fixture *fixture = data;

  g_atomic_int_dec_and_test (&fixture->alive);
}

static void
must_not_run (gpointer data)
{
  ((Fixture *) data)->ran = TRUE;
}

static void
must_not_run_future (AioFuture *future,
                     gpointer   data)
{
  ((Fixture *) data)->ran = TRUE;
}

/* Destroys the context with its work queued, then checks that nothing the
 * work held is alive and that none of it ran.
 */
static void
destroy_context_and_check (Fixture *fixture)
{
  if (fixture->context != NULL)
    {
      g_main_context_pop_thread_default (fixture->context);
      g_clear_pointer (&fixture->context, g_main_context_unref);
    }
  g_clear_object (&fixture->gate);
  g_clear_object (&fixture->timeout);
  g_assert_false (fixture->ran);
  g_assert_cmpuint (g_atomic_int_get (&fixture->alive), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->context != NULL)
    destroy_context_and_check (fixture);
}

/* The same for a test that holds a suspended @task (taken): the task ends
 * cancelled when its context goes, without resuming its body.
 */
static void
destroy_context_and_check_task (Fixture *fixture,
                                AioTask *task)
{
  GError *error = NULL;

  g_main_context_pop_thread_default (fixture->context);
  g_clear_pointer (&fixture->context, g_main_context_unref);
  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  g_assert_false (aio_future_propagate (AIO_FUTURE (task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_object_unref (task);
  destroy_context_and_check (fixture);
}

/* Iterates the fixture's context until *@flag is set. */
static void
iterate_until (Fixture        *fixture,
               const gboolean *flag)
{
  guint i;

  for (i = 0; i < 1000 && !*flag; i++)
    g_main_context_iteration (fixture->context, FALSE);
  g_assert_true (*flag);
}

static void
test_done_callback_scheduled (Fixture       *fixture,
                              gconstpointer  data)
{
  AioFuture *future = track (fixture, aio_loop_create_future (fixture->loop));

  /* Done already: the callback itself is queued. */
  aio_future_set_int (future, 1, NULL);
  aio_future_add_done_callback (future, must_not_run_future,
                                tracked_data (fixture), data_freed);
  g_object_unref (future);
  destroy_context_and_check (fixture);
}

static void
test_done_callbacks_batch (Fixture       *fixture,
                           gconstpointer  data)
{
  AioFuture *future = track (fixture, aio_loop_create_future (fixture->loop));

  /* Two callbacks: completing the future queues one batch for both. */
  aio_future_add_done_callback (future, must_not_run_future,
                                tracked_data (fixture), data_freed);
  aio_future_add_done_callback (future, must_not_run_future,
                                tracked_data (fixture), data_freed);
  aio_future_set_int (future, 1, NULL);
  g_object_unref (future);
  destroy_context_and_check (fixture);
}

static void
body_must_not_run (AioTask  *task,
                   gpointer  data)
{
  ((Fixture *) data)->ran = TRUE;
}

static void
test_task_start (Fixture       *fixture,
                 gconstpointer  data)
{
  AioTask *task = aio_task_new_full (fixture->loop, "never-started", 0,
                                     body_must_not_run,
                                     tracked_data (fixture), data_freed);

  g_object_unref (track (fixture, task));
  destroy_context_and_check (fixture);
}

typedef struct
{
  Fixture  *fixture;
  gboolean  waiting;
} AwaitState;

static void
body_await_gate (AioTask  *task,
                 gpointer  data)
{
  AwaitState *state = data;

  state->waiting = TRUE;
  /* The frames of this body are abandoned when the context goes; the
   * reference handed to aio_await() is the only one they hold.
   */
  (void) aio_await (g_object_ref (state->fixture->gate), NULL);
  state->fixture->ran = TRUE;
}

static void
test_task_wakeup (Fixture       *fixture,
                  gconstpointer  data)
{
  AwaitState state = { fixture, FALSE };
  AioTask *task;

  fixture->gate = track (fixture, aio_loop_create_future (fixture->loop));
  task = track (fixture, aio_task_new_full (fixture->loop, "suspended", 0,
                                            body_await_gate, &state, NULL));
  iterate_until (fixture, &state.waiting);

  /* The task is its gate's lone waiter: it is woken straight from the
   * ready ring.
   */
  aio_future_set_int (fixture->gate, 1, NULL);
  destroy_context_and_check_task (fixture, task);
}

static gpointer
cancel_from_thread (gpointer data)
{
  aio_task_cancel (data, "from another thread");
  return NULL;
}

static void
test_threadsafe_cancel (Fixture       *fixture,
                        gconstpointer  data)
{
  AioTask *task = aio_task_new_full (fixture->loop, "cancelled", 0,
                                     body_must_not_run,
                                     tracked_data (fixture), data_freed);

  track (fixture, task);
  g_thread_join (g_thread_new ("cancel", cancel_from_thread, task));
  g_object_unref (task);
  destroy_context_and_check (fixture);
}

static gpointer
complete_from_thread (gpointer data)
{
  aio_future_set_string (data, "a result nobody will read", NULL);
  return NULL;
}

static void
test_threadsafe_completion (Fixture       *fixture,
                            gconstpointer  data)
{
  AioFuture *future = track (fixture, aio_loop_create_future (fixture->loop));

  g_thread_join (g_thread_new ("complete", complete_from_thread, future));
  g_object_unref (future);
  destroy_context_and_check (fixture);
}

static gpointer
call_soon_from_thread (gpointer data)
{
  Fixture *fixture = data;

  aio_handle_unref (aio_loop_call_soon_threadsafe (fixture->loop, must_not_run,
                                                   tracked_data (fixture), data_freed));
  return NULL;
}

static void
test_threadsafe_call (Fixture       *fixture,
                      gconstpointer  data)
{
  g_thread_join (g_thread_new ("call-soon", call_soon_from_thread, fixture));
  destroy_context_and_check (fixture);
}

static void
test_handles (Fixture       *fixture,
              gconstpointer  data)
{
  int fds[2];
  GError *error = NULL;

  aio_handle_unref (aio_loop_call_soon (fixture->loop, must_not_run,
                                        tracked_data (fixture), data_freed));
  aio_handle_unref (aio_loop_call_later (fixture->loop, 3600, must_not_run,
                                         tracked_data (fixture), data_freed));

  /* A watch holds its callback's data until it is removed. */
  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], "x", 1), ==, 1);
  g_assert_true (aio_loop_add_reader (fixture->loop, fds[0], must_not_run,
                                      tracked_data (fixture), data_freed, &error));
  g_assert_no_error (error);
  destroy_context_and_check (fixture);
  close (fds[0]);
  close (fds[1]);
}

static void
test_sleep_zero (Fixture       *fixture,
                 gconstpointer  data)
{
  AioFuture *future = aio_sleep (0);

  g_assert_true (aio_future_get_loop (future) == fixture->loop);
  g_object_unref (track (fixture, future));
  destroy_context_and_check (fixture);
}

static void
test_gather_slot (Fixture       *fixture,
                  gconstpointer  data)
{
  AioFuture *child = track (fixture, aio_loop_create_future (fixture->loop));
  AioFuture *gather = track (fixture, aio_gather (g_object_ref (child), NULL));

  /* The gather is the child's lone waiter: its slot is queued. */
  aio_future_set_int (child, 1, NULL);
  g_object_unref (child);
  g_object_unref (gather);
  destroy_context_and_check (fixture);
}

static void
test_wait_notification (Fixture       *fixture,
                        gconstpointer  data)
{
  AioFuture *children[2];
  AioFuture *wait;

  children[0] = track (fixture, aio_loop_create_future (fixture->loop));
  children[1] = track (fixture, aio_loop_create_future (fixture->loop));
  wait = track (fixture, aio_wait (children, 2, AIO_WAIT_FIRST_COMPLETED, 3600));
  aio_future_set_int (children[0], 1, NULL);
  g_object_unref (children[0]);
  g_object_unref (children[1]);
  g_object_unref (wait);
  destroy_context_and_check (fixture);
}

static void
test_wait_for_notification (Fixture       *fixture,
                            gconstpointer  data)
{
  AioFuture *inner = track (fixture, aio_loop_create_future (fixture->loop));
  AioFuture *outer = track (fixture, aio_wait_for (g_object_ref (inner), 3600));

  aio_future_set_int (inner, 1, NULL);
  g_object_unref (inner);
  g_object_unref (outer);
  destroy_context_and_check (fixture);
}

static void
body_timeout_scope (AioTask  *task,
                    gpointer  data)
{
  AwaitState *state = data;

  /* The scope's deadline timer and the task's wake-up are queued when the
   * context goes; the test frees the scope the abandoned body owned.
   */
  state->fixture->timeout = aio_timeout_new (3600);
  state->waiting = TRUE;
  (void) aio_await (g_object_ref (state->fixture->gate), NULL);
  state->fixture->ran = TRUE;
}

static void
test_timeout_scope (Fixture       *fixture,
                    gconstpointer  data)
{
  AwaitState state = { fixture, FALSE };
  AioTask *task;

  fixture->gate = track (fixture, aio_loop_create_future (fixture->loop));
  task = track (fixture, aio_task_new_full (fixture->loop, "in-timeout", 0,
                                            body_timeout_scope, &state, NULL));
  iterate_until (fixture, &state.waiting);
  track (fixture, fixture->timeout);
  aio_future_set_int (fixture->gate, 1, NULL);
  g_object_unref (task);
  destroy_context_and_check (fixture);
}

static void
body_returns (AioTask  *task,
              gpointer  data)
{
  *(gboolean *) data = TRUE;
}

static void
test_task_group_done_member (Fixture       *fixture,
                             gconstpointer  data)
{
  gboolean done = FALSE;
  AioTaskGroup *group;
  AioTask *task;
  GError *error = NULL;

  task = track (fixture, aio_task_new_full (fixture->loop, "done", 0,
                                            body_returns, &done, NULL));
  iterate_until (fixture, &done);
  g_assert_true (aio_future_done (AIO_FUTURE (task)));

  /* A member that is done already is counted from the ready ring: that
   * count is what the context takes with it.
   */
  group = track (fixture, aio_task_group_new ());
  g_assert_true (aio_task_group_add_task (group, task, &error));
  g_assert_no_error (error);
  g_object_unref (task);
  g_object_unref (group);
  destroy_context_and_check (fixture);
}

static void
test_task_group_pending_member (Fixture       *fixture,
                                gconstpointer  data)
{
  AwaitState state = { fixture, FALSE };
  AioTaskGroup *group;
  AioTask *task;
  GError *error = NULL;

  fixture->gate = track (fixture, aio_loop_create_future (fixture->loop));
  task = track (fixture, aio_task_new_full (fixture->loop, "member", 0,
                                            body_await_gate, &state, NULL));
  group = track (fixture, aio_task_group_new ());
  g_assert_true (aio_task_group_add_task (group, task, &error));
  g_assert_no_error (error);
  iterate_until (fixture, &state.waiting);
  g_object_unref (group);
  destroy_context_and_check_task (fixture, task);
}

static void
add (const char *path,
     void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/aio/teardown/done-callback", test_done_callback_scheduled);
  add ("/aio/teardown/done-callbacks-batch", test_done_callbacks_batch);
  add ("/aio/teardown/task-start", test_task_start);
  add ("/aio/teardown/task-wakeup", test_task_wakeup);
  add ("/aio/teardown/threadsafe-cancel", test_threadsafe_cancel);
  add ("/aio/teardown/threadsafe-completion", test_threadsafe_completion);
  add ("/aio/teardown/threadsafe-call", test_threadsafe_call);
  add ("/aio/teardown/handles", test_handles);
  add ("/aio/teardown/sleep-zero", test_sleep_zero);
  add ("/aio/teardown/gather", test_gather_slot);
  add ("/aio/teardown/wait", test_wait_notification);
  add ("/aio/teardown/wait-for", test_wait_for_notification);
  add ("/aio/teardown/timeout", test_timeout_scope);
  add ("/aio/teardown/task-group-done-member", test_task_group_done_member);
  add ("/aio/teardown/task-group-pending-member", test_task_group_pending_member);

  return g_test_run ();
}
