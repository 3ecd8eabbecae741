/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "structured-test-utils.h"

/* aio_shield(): the outcome passes through, an outer cancellation leaves
 * the inner operation running, and cancellation at each await.
 */

static void
test_shield_value (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = aio_shield (g_object_ref (inner));

  g_assert_true (outer != inner);
  aio_future_set_string (inner, "kept", NULL);
  st_wait (outer);
  g_assert_cmpstr (aio_future_get_string (outer, NULL), ==, "kept");
}

static void
test_shield_error (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = aio_shield (g_object_ref (inner));
  g_autoptr(GError) error = NULL;

  aio_future_take_error (inner, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BUSY, "busy"), NULL);
  st_wait (outer);
  g_assert_false (aio_future_propagate (outer, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_false (aio_future_cancelled (outer));
}

static void
test_shield_already_done (void)
{
  AioFuture *inner = aio_future_new ();
  AioFuture *outer;

  aio_future_set_int (inner, 1, NULL);
  outer = aio_shield (inner);
  g_assert_true (outer == inner);
  g_object_unref (outer);
}

static void
test_shield_inner_cancelled (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = aio_shield (g_object_ref (inner));

  aio_future_cancel (inner, "inside");
  st_wait (outer);
  g_assert_true (aio_future_cancelled (outer));
}

static void
test_shield_outer_cancelled (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = aio_shield (g_object_ref (inner));

  g_assert_true (aio_future_cancel (outer, NULL));
  g_assert_true (aio_future_cancelled (outer));
  g_assert_false (aio_future_done (inner));
  aio_future_set_int (inner, 1, NULL);
  aio_test_drain (NULL);
  g_assert_true (aio_future_cancelled (outer));
}

static void
test_shield_dropped (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();

  g_object_unref (aio_shield (g_object_ref (inner)));
  aio_future_set_int (inner, 1, NULL);
  aio_test_drain (NULL);
}

typedef struct
{
  StChild  child;
  gboolean started;
  GError  *error;
  guint    cleanups_at_resume;
  AioTask *inner;
} ShieldTaskCase;

static void
shield_task_body (AioTask  *task,
                  gpointer  data)
{
  ShieldTaskCase *sc = data;
  AioFuture *shielded;

  sc->inner = st_child_task (&sc->child);
  shielded = aio_shield (g_object_ref (AIO_FUTURE (sc->inner)));
  sc->started = TRUE;
  if (!aio_await (shielded, &sc->error))
    aio_task_return_error (task, g_error_copy (sc->error));
  sc->cleanups_at_resume = sc->child.cleanups;
}

static void
test_shield_awaiting_task_cancelled (void)
{
  ShieldTaskCase sc = { .child = { .value = 8, .delay = 0.005, .n_awaits = 2 } };
  g_autoptr(AioTask) task = aio_task_new (shield_task_body, &sc, NULL);

  /* The flag is set right before the await, in the same step. */
  aio_test_wait_for_flag (&sc.started, 5);
  aio_task_cancel (task, "outer");
  st_wait (AIO_FUTURE (task));

  /* The awaiting task is cancelled at once... */
  g_assert_true (st_cancelled (task));
  g_assert_error (sc.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sc.cleanups_at_resume, ==, 0);
  /* ...while the shielded task runs to its end, undisturbed. */
  st_settle ();
  g_assert_false (sc.child.was_cancelled);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (sc.inner), NULL), ==, 8);
  g_clear_error (&sc.error);
  g_clear_object (&sc.inner);
}

static void
test_shield_pointer_result (void)
{
  g_autoptr(AioFuture) inner = aio_future_new ();
  g_autoptr(AioFuture) outer = aio_shield (g_object_ref (inner));

  aio_future_set_pointer (inner, g_strdup ("moved"), g_free, NULL);
  st_wait (outer);
  g_clear_object (&inner);
  g_assert_cmpstr (aio_future_get_pointer (outer, NULL), ==, "moved");
}

static gpointer
shield_in_thread (gpointer data)
{
  return aio_shield (data);
}

static void
test_shield_wrong_thread (void)
{
  AioFuture *inner = aio_future_new ();
  g_autoptr(AioFuture) outer = NULL;
  g_autoptr(GError) error = NULL;

  outer = g_thread_join (g_thread_new ("shield", shield_in_thread, inner));
  st_wait (outer);
  g_assert_false (aio_future_propagate (outer, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_WRONG_THREAD);
}

typedef struct
{
  StChild child;
  gint    value;
} ShieldScenario;

static void
shield_scenario (AioTask  *task,
                 gpointer  data)
{
  ShieldScenario *ss = data;
  GError *error = NULL;

  ss->child.runs = ss->child.cleanups = 0;
  ss->child.was_cancelled = FALSE;
  ss->value = 0;
  if (st_await (aio_sleep (0), &error))
    ss->value = aio_await_int (aio_shield (AIO_FUTURE (st_child_task (&ss->child))), &error);
  if (error == NULL)
    st_await (aio_sleep (0), &error);
  if (error != NULL)
    aio_task_return_error (task, error);
}

static void
shield_scenario_check (AioTask  *root,
                       guint     cancel_at,
                       gpointer  data)
{
  ShieldScenario *ss = data;

  if (cancel_at == 0)
    g_assert_cmpint (ss->value, ==, 6);
  else
    g_assert_true (st_cancelled (root));
  /* Whenever the root was cancelled, the shielded task never was. */
  g_assert_false (ss->child.was_cancelled);
  g_assert_cmpuint (ss->child.runs, ==, ss->child.cleanups);
}

static void
test_shield_cancel_at_each_await (void)
{
  ShieldScenario ss = { .child = { .value = 6, .delay = 0.001, .n_awaits = 3 } };

  g_assert_cmpuint (st_cancel_at_each_await (shield_scenario, shield_scenario_check, &ss), ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/shield/value", test_shield_value);
  aio_test_add_func ("/aio/shield/error", test_shield_error);
  aio_test_add_func ("/aio/shield/already-done", test_shield_already_done);
  aio_test_add_func ("/aio/shield/inner-cancelled", test_shield_inner_cancelled);
  aio_test_add_func ("/aio/shield/outer-cancelled", test_shield_outer_cancelled);
  aio_test_add_func ("/aio/shield/dropped", test_shield_dropped);
  aio_test_add_func ("/aio/shield/awaiting-task-cancelled", test_shield_awaiting_task_cancelled);
  aio_test_add_func ("/aio/shield/pointer-result", test_shield_pointer_result);
  aio_test_add_func ("/aio/shield/wrong-thread", test_shield_wrong_thread);
  aio_test_add_func ("/aio/shield/cancel-at-each-await", test_shield_cancel_at_each_await);

  return g_test_run ();
}
