/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* The GClosure entry points the language bindings use: done closures and
 * stackless task bodies as closures.
 */

typedef struct
{
  guint      calls;
  AioFuture *seen;       /* (unowned) the argument of the last call */
  gboolean   finalized;
} DoneRecord;

static void
record_done (AioFuture  *future,
             DoneRecord *record)
{
  record->calls++;
  record->seen = future;
}

static void
record_finalized (gpointer  data,
                  GClosure *closure)
{
  ((DoneRecord *) data)->finalized = TRUE;
}

static void
test_done_closure (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  DoneRecord record = { 0, };
  GClosure *closure;

  closure = g_cclosure_new (G_CALLBACK (record_done), &record, record_finalized);
  aio_future_add_done_closure (future, closure);   /* floating: it sinks it */

  g_assert_true (aio_future_set_int (future, 3, NULL));
  g_assert_cmpuint (record.calls, ==, 0);   /* scheduled, not called inline */

  aio_test_drain (NULL);
  g_assert_cmpuint (record.calls, ==, 1);
  g_assert_true (record.seen == future);
  g_assert_true (record.finalized);
}

static void
test_done_closure_on_done_future (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  DoneRecord record = { 0, };
  GClosure *closure;

  g_assert_true (aio_future_cancel (future, "early"));
  closure = g_cclosure_new (G_CALLBACK (record_done), &record, record_finalized);
  g_closure_ref (closure);
  g_closure_sink (closure);
  aio_future_add_done_closure (future, closure);
  g_closure_unref (closure);   /* the future keeps its own reference */

  g_assert_false (record.finalized);
  aio_test_drain (NULL);
  g_assert_cmpuint (record.calls, ==, 1);
  g_assert_true (record.finalized);
}

typedef struct
{
  guint    steps;
  gboolean finalized;
} StepRecord;

/* A closure returning an object: marshalled by hand, as bindings do. */
static void
marshal_step (GClosure     *closure,
              GValue       *return_value,
              guint         n_params,
              const GValue *params,
              gpointer      invocation_hint,
              gpointer      marshal_data)
{
  StepRecord *record = closure->data;
  AioTask *task = g_value_get_object (&params[0]);
  AioFuture *awaited = g_value_get_object (&params[1]);

  g_assert_cmpuint (n_params, ==, 2);
  g_assert_true (aio_current_task () == task);

  switch (record->steps++)
    {
    case 0:
      g_assert_null (awaited);
      g_value_take_object (return_value, aio_sleep (0));
      break;

    case 1:
      g_assert_nonnull (awaited);
      g_assert_true (aio_future_done (awaited));
      aio_task_return_int (task, 42);
      break;   /* return_value stays NULL: the body is finished */

    default:
      g_assert_not_reached ();
    }
}

static void
step_finalized (gpointer  data,
                GClosure *closure)
{
  ((StepRecord *) data)->finalized = TRUE;
}

static void
test_stackless_closure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AioTask) task = NULL;
  StepRecord record = { 0, };
  GClosure *closure;

  closure = g_closure_new_simple (sizeof (GClosure), &record);
  g_closure_set_marshal (closure, marshal_step);
  g_closure_add_finalize_notifier (closure, &record, step_finalized);

  task = aio_task_new_stackless_closure (NULL, "closure-body", closure);
  g_assert_true (aio_task_is_stackless (task));
  g_assert_cmpstr (aio_task_get_name (task), ==, "closure-body");

  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (),
                                              AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 42);
  g_assert_cmpuint (record.steps, ==, 2);

  aio_test_drain (NULL);
  g_assert_true (record.finalized);   /* released once the body finished */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/closure/done", test_done_closure);
  aio_test_add_func ("/aio/closure/done-already", test_done_closure_on_done_future);
  aio_test_add_func ("/aio/closure/stackless", test_stackless_closure);

  return g_test_run ();
}
