/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "structured-test-utils.h"

/* aio_gather(): values in order, the first error, return_errors, and
 * cancellation in both directions, from coroutines, callbacks and
 * stackless tasks.
 */

static gint
slot_int (GPtrArray *results,
          guint      index)
{
  g_autoptr(GError) error = NULL;
  gint value = aio_future_get_int (g_ptr_array_index (results, index), &error);

  g_assert_no_error (error);
  return value;
}

typedef struct
{
  StChild    children[3];
  GPtrArray *results;
  GError    *error;
} GatherCase;

static void
gather_case_clear (GatherCase *gc)
{
  g_clear_pointer (&gc->results, g_ptr_array_unref);
  g_clear_error (&gc->error);
}

static void
gather_three_body (AioTask  *task,
                   gpointer  data)
{
  GatherCase *gc = data;
  AioFuture *gather;

  gather = aio_gather (AIO_FUTURE (st_child_task (&gc->children[0])),
                       AIO_FUTURE (st_child_task (&gc->children[1])),
                       AIO_FUTURE (st_child_task (&gc->children[2])),
                       NULL);
  gc->results = aio_await_boxed (gather, &gc->error);
}

static void
test_gather_values (void)
{
  GatherCase gc = {
    .children = {
      { .value = 1, .delay = 0.003, .n_awaits = 1 },
      { .value = 2, .delay = 0.001, .n_awaits = 2 },
      { .value = 3, .delay = 0, .n_awaits = 1 },
    },
  };
  g_autoptr(AioTask) root = st_run (gather_three_body, &gc);

  g_assert_no_error (gc.error);
  g_assert_nonnull (gc.results);
  g_assert_cmpuint (gc.results->len, ==, 3);
  /* In the order given, not the order of completion. */
  g_assert_cmpint (slot_int (gc.results, 0), ==, 1);
  g_assert_cmpint (slot_int (gc.results, 1), ==, 2);
  g_assert_cmpint (slot_int (gc.results, 2), ==, 3);
  gather_case_clear (&gc);
}

static void
test_gather_empty (void)
{
  g_autoptr(AioFuture) gather = aio_gatherv (NULL, 0, FALSE);
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  g_assert_true (aio_future_done (gather));
  results = (GPtrArray *) aio_future_get_boxed (gather, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, 0);
}

static void
test_gather_already_done (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  AioFuture *futures[2];
  GPtrArray *results;

  aio_future_set_int (a, 10, NULL);
  aio_future_set_string (b, "ten", NULL);
  futures[0] = a;
  futures[1] = b;
  gather = aio_gatherv (futures, 2, FALSE);

  /* Nothing to wait for, so a coroutine awaiting it would not suspend. */
  g_assert_true (aio_future_done (gather));
  results = (GPtrArray *) aio_future_get_boxed (gather, NULL);
  g_assert_true (g_ptr_array_index (results, 0) == a);
  g_assert_true (g_ptr_array_index (results, 1) == b);
  g_assert_cmpstr (aio_future_get_string (g_ptr_array_index (results, 1), NULL), ==, "ten");
}

static void
test_gather_first_error (void)
{
  GatherCase gc = {
    .children = {
      { .value = 1, .delay = 0.02, .n_awaits = 1 },
      { .value = 2, .delay = 0.001, .n_awaits = 1, .fail = TRUE },
      { .value = 3, .delay = 0.02, .n_awaits = 1 },
    },
  };
  g_autoptr(AioTask) root = NULL;

  root = st_run (gather_three_body, &gc);

  g_assert_error (gc.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (gc.error->message, ==, "child 2 failed");
  g_assert_null (gc.results);
  /* The others were not cancelled and ran to their end. */
  g_assert_false (gc.children[0].was_cancelled);
  g_assert_false (gc.children[2].was_cancelled);
  g_assert_cmpuint (gc.children[0].cleanups + gc.children[2].cleanups, ==, 2);
  gather_case_clear (&gc);
}

static void
test_gather_first_error_fails_early (void)
{
  g_autoptr(AioFuture) slow = aio_future_new ();
  g_autoptr(AioFuture) failing = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;
  AioFuture *futures[2] = { slow, failing };

  gather = aio_gatherv (futures, 2, FALSE);
  aio_future_take_error (failing, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone"), NULL);
  st_wait (gather);

  /* Failed while the other is still pending. */
  g_assert_false (aio_future_done (slow));
  g_assert_false (aio_future_propagate (gather, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (aio_future_cancelled (gather));

  aio_future_set_int (slow, 1, NULL);
  aio_test_drain (NULL);
}

static void
test_gather_return_errors (void)
{
  g_autoptr(AioFuture) ok = aio_future_new ();
  g_autoptr(AioFuture) failed = aio_future_new ();
  g_autoptr(AioFuture) cancelled = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;
  AioFuture *futures[3] = { ok, failed, cancelled };
  GPtrArray *results;

  gather = aio_gatherv (futures, 3, TRUE);
  aio_future_cancel (cancelled, "skip it");
  aio_future_take_error (failed, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "bad"), NULL);
  aio_test_drain (NULL);
  g_assert_false (aio_future_done (gather));   /* waits for all */

  aio_future_set_int (ok, 7, NULL);
  st_wait (gather);

  results = (GPtrArray *) aio_future_get_boxed (gather, &error);
  g_assert_no_error (error);
  g_assert_cmpint (slot_int (results, 0), ==, 7);
  g_assert_false (aio_future_propagate (g_ptr_array_index (results, 1), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (aio_future_cancelled (g_ptr_array_index (results, 2)));
  g_assert_false (aio_future_propagate (g_ptr_array_index (results, 2), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "skip it");
}

static void
test_gather_child_cancelled (void)
{
  GatherCase gc = {
    .children = {
      { .value = 1, .delay = 0.01, .n_awaits = 1 },
      { .value = 2, .delay = 10, .n_awaits = 1 },
      { .value = 3, .delay = 0.01, .n_awaits = 1 },
    },
  };
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;
  AioTask *tasks[3];
  guint i;

  for (i = 0; i < 3; i++)
    tasks[i] = st_child_task (&gc.children[i]);
  gather = aio_gatherv ((AioFuture **) tasks, 3, FALSE);
  aio_test_drain (NULL);
  aio_task_cancel (tasks[1], "just this one");
  st_wait (gather);

  /* Like a failure: the gather fails, the siblings go on. */
  g_assert_false (aio_future_propagate (gather, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "just this one");
  g_assert_false (gc.children[0].was_cancelled);
  g_assert_false (gc.children[2].was_cancelled);
  st_settle ();
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (tasks[0]), NULL), ==, 1);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (tasks[2]), NULL), ==, 3);
  for (i = 0; i < 3; i++)
    g_object_unref (tasks[i]);
}

static void
test_gather_cancel (void)
{
  GatherCase gc = {
    .children = {
      { .value = 1, .delay = 0, .n_awaits = 1 },
      { .value = 2, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE },
      { .value = 3, .delay = 10, .n_awaits = 1, .swallow = TRUE },
    },
  };
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;
  AioTask *tasks[3];
  guint i;

  for (i = 0; i < 3; i++)
    tasks[i] = st_child_task (&gc.children[i]);
  gather = aio_gatherv ((AioFuture **) tasks, 3, TRUE);
  aio_test_drain (NULL);
  g_assert_true (aio_future_done (AIO_FUTURE (tasks[0])));

  g_assert_true (aio_future_cancel (gather, "stop"));
  /* The gather waits for its children to finish cancelling. */
  g_assert_false (aio_future_done (gather));
  st_wait (gather);
  g_assert_cmpuint (gc.children[1].cleanups, ==, 1);
  g_assert_true (gc.children[1].was_cancelled);
  g_assert_true (gc.children[2].was_cancelled);

  /* Cancelled even with return_errors, even though one child swallowed
   * the cancellation.
   */
  g_assert_true (aio_future_cancelled (gather));
  g_assert_false (aio_future_propagate (gather, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (tasks[2]), NULL), ==, 3);
  g_assert_false (aio_future_cancel (gather, NULL));
  for (i = 0; i < 3; i++)
    g_object_unref (tasks[i]);
}

static void
test_gather_cancel_too_late (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  AioFuture *futures[2] = { a, b };
  GPtrArray *results;

  gather = aio_gatherv (futures, 2, FALSE);
  aio_future_set_int (a, 1, NULL);
  aio_future_set_int (b, 2, NULL);

  /* Both children are done, their waiters not yet run: nothing can be
   * cancelled, so neither can the gather, as in asyncio.
   */
  g_assert_false (aio_future_cancel (gather, NULL));
  st_wait (gather);
  g_assert_false (aio_future_cancelled (gather));
  results = (GPtrArray *) aio_future_get_boxed (gather, NULL);
  g_assert_cmpint (slot_int (results, 1), ==, 2);
}

typedef struct
{
  StChild  children[2];
  gboolean started;
  GError  *error;
  guint    cleanups_at_resume[2];
} AwaitCancelCase;

static void
await_gather_body (AioTask  *task,
                   gpointer  data)
{
  AwaitCancelCase *ac = data;
  AioFuture *gather;

  gather = aio_gather (AIO_FUTURE (st_child_task (&ac->children[0])),
                       AIO_FUTURE (st_child_task (&ac->children[1])),
                       NULL);
  ac->started = TRUE;
  if (!aio_await (gather, &ac->error))
    aio_task_return_error (task, g_error_copy (ac->error));
  ac->cleanups_at_resume[0] = ac->children[0].cleanups;
  ac->cleanups_at_resume[1] = ac->children[1].cleanups;
}

static void
test_gather_awaiting_task_cancelled (void)
{
  AwaitCancelCase ac = {
    .children = {
      { .value = 1, .delay = 10, .n_awaits = 1, .slow_cleanup = TRUE },
      { .value = 2, .delay = 10, .n_awaits = 1 },
    },
  };
  g_autoptr(AioTask) task = NULL;

  task = aio_task_new (await_gather_body, &ac, NULL);
  aio_test_wait_for_flag (&ac.started, 5);
  aio_test_drain (NULL);
  aio_task_cancel (task, "outer");
  st_wait (AIO_FUTURE (task));

  g_assert_true (aio_future_cancelled (AIO_FUTURE (task)));
  g_assert_error (ac.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* As in asyncio, without return_errors the first child to end cancelled
   * ends the gather: the task resumed while the slow one still cleaned up.
   */
  g_assert_cmpuint (ac.cleanups_at_resume[1], ==, 1);
  g_assert_cmpuint (ac.cleanups_at_resume[0], ==, 0);
  st_settle ();
  g_assert_cmpuint (ac.children[0].cleanups, ==, 1);
  g_assert_true (ac.children[0].was_cancelled && ac.children[1].was_cancelled);
  g_clear_error (&ac.error);
}

static void
test_gather_duplicates (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  AioFuture *futures[3] = { a, a, a };
  GPtrArray *results;

  gather = aio_gatherv (futures, 3, FALSE);
  aio_future_set_int (a, 5, NULL);
  st_wait (gather);
  results = (GPtrArray *) aio_future_get_boxed (gather, NULL);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_cmpint (slot_int (results, 2), ==, 5);
}

static void
test_gather_different_loops (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_loop_create_future (aio_loop_get_for_context (context));
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;
  AioFuture *futures[2] = { a, b };

  gather = aio_gatherv (futures, 2, FALSE);
  g_assert_true (aio_future_done (gather));
  g_assert_false (aio_future_propagate (gather, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
}

static gpointer
gather_in_thread (gpointer data)
{
  return aio_gatherv ((AioFuture **) &data, 1, FALSE);
}

static void
test_gather_wrong_thread (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread = g_thread_new ("gather", gather_in_thread, a);

  gather = g_thread_join (thread);
  st_wait (gather);
  g_assert_false (aio_future_propagate (gather, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
}

static void
record_done (AioFuture *future,
             gpointer   user_data)
{
  *(AioFuture **) user_data = g_object_ref (future);
}

/* No coroutine at all: a done callback on the gather. */
static void
test_gather_callback_style (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  g_autoptr(AioFuture) seen = NULL;
  AioFuture *futures[2] = { a, b };
  AioFuture *gather;
  GPtrArray *results;

  gather = aio_gatherv (futures, 2, FALSE);
  aio_future_add_done_callback (gather, record_done, &seen, NULL);
  g_object_unref (gather);   /* the callback keeps it */

  aio_future_set_int (b, 2, NULL);
  aio_future_set_int (a, 1, NULL);
  while (seen == NULL)
    g_main_context_iteration (NULL, TRUE);
  results = (GPtrArray *) aio_future_get_boxed (seen, NULL);
  g_assert_cmpint (slot_int (results, 0) * 10 + slot_int (results, 1), ==, 12);
}

typedef struct
{
  AioFuture *children[2];
  gint       steps;
  gint       sum;
} StacklessCase;

static AioFuture *
gather_step (AioTask   *task,
             AioFuture *awaited,
             gpointer   user_data)
{
  StacklessCase *sc = user_data;
  GPtrArray *results;

  sc->steps++;
  if (awaited == NULL)
    return aio_gatherv (sc->children, 2, FALSE);

  results = (GPtrArray *) aio_future_get_boxed (awaited, NULL);
  sc->sum = slot_int (results, 0) + slot_int (results, 1);
  aio_task_return_int (task, sc->sum);
  return NULL;
}

static void
test_gather_stackless (void)
{
  g_autoptr(AioFuture) a = aio_future_new ();
  g_autoptr(AioFuture) b = aio_future_new ();
  StacklessCase sc = { { a, b }, 0, 0 };
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, "stackless", gather_step, &sc, NULL);

  aio_test_drain (NULL);
  aio_future_set_int (a, 20, NULL);
  aio_future_set_int (b, 22, NULL);
  st_wait (AIO_FUTURE (task));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 42);
  g_assert_cmpint (sc.steps, ==, 2);
}

/* On a thread-default context other than the global default. */
static void
test_gather_other_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  AioLoop *loop;
  g_autoptr(AioFuture) a = NULL;
  g_autoptr(AioFuture) b = NULL;
  g_autoptr(AioFuture) gather = NULL;
  AioFuture *futures[2];

  g_main_context_push_thread_default (context);
  loop = aio_loop_get_thread_default ();
  g_assert_true (loop == aio_loop_get_for_context (context));
  a = aio_sleep (0.001);
  b = aio_loop_create_future (loop);
  futures[0] = a;
  futures[1] = b;
  gather = aio_gatherv (futures, 2, FALSE);
  g_assert_true (aio_future_get_loop (gather) == loop);
  aio_future_set_int (b, 3, NULL);
  g_assert_true (aio_loop_run_until_complete (loop, gather, NULL));
  g_assert_cmpuint (((GPtrArray *) aio_future_get_boxed (gather, NULL))->len, ==, 2);
  aio_test_drain (context);
  g_main_context_pop_thread_default (context);
}

/* Cancellation at every await: children with several awaits each. */
typedef struct
{
  StChild children[3];
  gint    result;
} GatherScenario;

static void
gather_scenario (AioTask  *task,
                 gpointer  data)
{
  GatherScenario *gs = data;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;
  guint i;

  for (i = 0; i < 3; i++)
    {
      gs->children[i].runs = gs->children[i].cleanups = 0;
      gs->children[i].was_cancelled = FALSE;
    }
  gs->result = 0;
  if (!st_await (aio_sleep (0), &error))
    goto out;

  results = aio_await_boxed (aio_gather (AIO_FUTURE (st_child_task (&gs->children[0])),
                                         AIO_FUTURE (st_child_task (&gs->children[1])),
                                         AIO_FUTURE (st_child_task (&gs->children[2])),
                                         NULL),
                             &error);
  if (results == NULL)
    goto out;
  for (i = 0; i < 3; i++)
    gs->result += slot_int (results, i);
  st_await (aio_sleep (0), &error);

out:
  if (error != NULL)
    aio_task_return_error (task, error);
}

static void
gather_scenario_check (AioTask  *root,
                       guint     cancel_at,
                       gpointer  data)
{
  GatherScenario *gs = data;
  guint i;

  if (cancel_at == 0)
    {
      g_assert_false (st_cancelled (root));
      g_assert_cmpint (gs->result, ==, 6);
    }
  else
    g_assert_true (st_cancelled (root));

  /* Every child that started also finished cleaning up. */
  for (i = 0; i < 3; i++)
    g_assert_cmpuint (gs->children[i].runs, ==, gs->children[i].cleanups);
}

static void
test_gather_cancel_at_each_await (void)
{
  GatherScenario gs = {
    .children = {
      { .value = 1, .delay = 0.001, .n_awaits = 2 },
      { .value = 2, .delay = 0, .n_awaits = 3, .slow_cleanup = TRUE },
      { .value = 3, .delay = 0.002, .n_awaits = 1 },
    },
  };
  guint n_awaits = st_cancel_at_each_await (gather_scenario, gather_scenario_check, &gs);

  g_assert_cmpuint (n_awaits, ==, 2 + 2 + 3 + 1);
}

/* The array form takes the array over and makes it the result. */
static void
test_gather_array (void)
{
  GPtrArray *futures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(AioFuture) gather = NULL;
  AioFuture *a = aio_future_new ();
  GPtrArray *results;

  g_ptr_array_add (futures, a);
  g_ptr_array_add (futures, aio_sleep (0.001));
  gather = aio_gather_array (futures, FALSE);
  aio_future_set_int (a, 4, NULL);
  st_wait (gather);
  results = (GPtrArray *) aio_future_get_boxed (gather, NULL);
  g_assert_true (results == futures);
  g_assert_cmpint (slot_int (results, 0), ==, 4);
  g_assert_true (aio_future_done (g_ptr_array_index (results, 1)));
}

static void
test_gather_array_different_loops (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  GPtrArray *futures = g_ptr_array_new ();
  g_autoptr(AioFuture) pending = aio_future_new ();
  g_autoptr(AioFuture) gather = NULL;
  g_autoptr(GError) error = NULL;

  /* The first is linked before the mismatch is found, then unlinked. */
  g_ptr_array_add (futures, g_object_ref (pending));
  g_ptr_array_add (futures, aio_loop_create_future (aio_loop_get_for_context (context)));
  gather = aio_gather_array (futures, FALSE);
  g_assert_false (aio_future_propagate (gather, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_ARGUMENT);
  aio_future_set_int (pending, 1, NULL);
  aio_test_drain (NULL);
}

static void
test_gather_not_a_future (void)
{
  g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(AioFuture) a = aio_future_new ();
  GPtrArray *futures = g_ptr_array_new ();

  /* A programming error: a critical warning and no gather. */
  g_ptr_array_add (futures, a);
  g_ptr_array_add (futures, object);
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*every element must be an AioFuture*");
  g_assert_null (aio_gather_array (futures, FALSE));
  g_test_assert_expected_messages ();
  aio_future_set_int (a, 1, NULL);
  aio_test_drain (NULL);
}

static void
yield_body (AioTask  *task,
            gpointer  data)
{
  if (aio_yield (NULL))
    aio_task_return_int (task, GPOINTER_TO_INT (data));
}

static void
test_gather_many (void)
{
  const guint n = st_many_tasks ();
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(AioFuture) gather = NULL;
  GPtrArray *results;
  gint64 sum = 0;
  guint i;

  for (i = 0; i < n; i++)
    g_ptr_array_add (tasks, aio_task_new (yield_body, GINT_TO_POINTER (i), NULL));
  gather = aio_gatherv ((AioFuture **) tasks->pdata, n, FALSE);
  st_wait (gather);
  results = (GPtrArray *) aio_future_get_boxed (gather, NULL);
  g_assert_cmpuint (results->len, ==, n);
  for (i = 0; i < n; i++)
    sum += slot_int (results, i);
  g_assert_cmpint (sum, ==, (gint64) n * (n - 1) / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/gather/values", test_gather_values);
  aio_test_add_func ("/aio/gather/empty", test_gather_empty);
  aio_test_add_func ("/aio/gather/already-done", test_gather_already_done);
  aio_test_add_func ("/aio/gather/first-error", test_gather_first_error);
  aio_test_add_func ("/aio/gather/first-error-fails-early", test_gather_first_error_fails_early);
  aio_test_add_func ("/aio/gather/return-errors", test_gather_return_errors);
  aio_test_add_func ("/aio/gather/child-cancelled", test_gather_child_cancelled);
  aio_test_add_func ("/aio/gather/cancel", test_gather_cancel);
  aio_test_add_func ("/aio/gather/cancel-too-late", test_gather_cancel_too_late);
  aio_test_add_func ("/aio/gather/awaiting-task-cancelled", test_gather_awaiting_task_cancelled);
  aio_test_add_func ("/aio/gather/duplicates", test_gather_duplicates);
  aio_test_add_func ("/aio/gather/different-loops", test_gather_different_loops);
  aio_test_add_func ("/aio/gather/wrong-thread", test_gather_wrong_thread);
  aio_test_add_func ("/aio/gather/callback-style", test_gather_callback_style);
  aio_test_add_func ("/aio/gather/stackless", test_gather_stackless);
  aio_test_add_func ("/aio/gather/other-context", test_gather_other_context);
  aio_test_add_func ("/aio/gather/cancel-at-each-await", test_gather_cancel_at_each_await);
  aio_test_add_func ("/aio/gather/array", test_gather_array);
  aio_test_add_func ("/aio/gather/array-different-loops", test_gather_array_different_loops);
  aio_test_add_func ("/aio/gather/not-a-future", test_gather_not_a_future);
  aio_test_add_func ("/aio/gather/many", test_gather_many);

  return g_test_run ();
}
