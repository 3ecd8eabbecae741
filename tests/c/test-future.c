/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

/* Futures: every state transition, typed results, misuse, done callbacks,
 * the GIO-style wait and completion from other threads.
 */

static void
test_future_pending (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (aio_future_done (future));
  g_assert_false (aio_future_cancelled (future));
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_PENDING);
  g_assert_true (aio_future_get_loop (future) == aio_loop_get_default ());

  g_assert_cmpint (aio_future_get_int (future, &error), ==, 0);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_null (aio_future_dup_error (future));
}

static void
test_future_set_twice (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_int (future, 42, &error));
  g_assert_no_error (error);
  g_assert_true (aio_future_done (future));
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_FINISHED);

  g_assert_false (aio_future_set_int (future, 43, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 42);
  g_assert_false (aio_future_cancel (future, NULL));
}

/* Checks what every finished-with-a-result future shares, and that a
 * getter of another type refuses the result.
 */
static void
assert_finished_with (AioFuture *future,
                      GType      type)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_done (future));
  g_assert_false (aio_future_cancelled (future));
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_FINISHED);
  g_assert_true (aio_future_propagate (future, &error));
  g_assert_no_error (error);
  g_assert_null (aio_future_dup_error (future));
  g_assert_true (aio_future_get_value_type (future) == type);

  if (type != G_TYPE_DOUBLE)
    {
      aio_future_get_double (future, &error);
      g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
    }
  else
    {
      aio_future_get_int (future, &error);
      g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
    }
}

static void
test_future_result_boolean (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_boolean (future, TRUE, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_BOOLEAN);
  g_assert_true (aio_future_get_boolean (future, &error));
  g_assert_no_error (error);

  aio_future_get_string (future, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
}

static void
test_future_result_int (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_int (future, G_MININT, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_INT);
  g_assert_cmpint (aio_future_get_int (future, &error), ==, G_MININT);
  g_assert_no_error (error);

  /* No silent widening: an int is not an int64. */
  aio_future_get_int64 (future, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
}

static void
test_future_result_int64 (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_int64 (future, G_MININT64 + 7, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_INT64);
  g_assert_cmpint (aio_future_get_int64 (future, &error), ==, G_MININT64 + 7);
  g_assert_no_error (error);

  aio_future_get_uint64 (future, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
}

static void
test_future_result_uint64 (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_uint64 (future, G_MAXUINT64 - 1, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_UINT64);
  g_assert_cmpuint (aio_future_get_uint64 (future, &error), ==, G_MAXUINT64 - 1);
  g_assert_no_error (error);
}

static void
test_future_result_double (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_double (future, -2.5e300, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_DOUBLE);
  g_assert_cmpfloat (aio_future_get_double (future, &error), ==, -2.5e300);
  g_assert_no_error (error);
}

static void
test_future_result_string (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(AioFuture) null_future = aio_future_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *original = g_strdup ("hello");
  g_autofree char *copy = NULL;
  const char *stored;

  g_assert_true (aio_future_set_string (future, original, &error));
  g_assert_no_error (error);
  /* The future keeps its own copy. */
  original[0] = 'J';
  assert_finished_with (future, G_TYPE_STRING);

  stored = aio_future_get_string (future, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, "hello");
  g_assert_true (stored != original);
  copy = aio_future_dup_string (future, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy, ==, "hello");
  g_assert_true (copy != stored);
  /* Reading does not consume. */
  g_assert_cmpstr (aio_future_get_string (future, NULL), ==, "hello");

  g_assert_true (aio_future_set_string (null_future, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (aio_future_get_string (null_future, &error));
  g_assert_no_error (error);

  aio_future_get_object (future, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
}

static void
test_future_result_object (void)
{
  AioFuture *future = aio_future_new ();
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);
  GObject *dup;
  GError *error = NULL;

  g_object_add_weak_pointer (object, (gpointer *) &object);
  g_assert_true (aio_future_set_object (future, object, &error));
  g_assert_no_error (error);
  g_object_unref (object);
  g_assert_nonnull (object);   /* the future holds it */

  assert_finished_with (future, G_TYPE_OBJECT);
  g_assert_true (aio_future_get_object (future, &error) == object);
  g_assert_no_error (error);
  dup = aio_future_dup_object (future, &error);
  g_assert_no_error (error);
  g_assert_true (dup == object);
  g_assert_cmpuint (G_OBJECT (dup)->ref_count, ==, 2);
  g_object_unref (dup);

  aio_future_get_boxed (future, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);

  g_object_unref (future);
  g_assert_null (object);
}

static void
test_future_result_object_subclass (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  /* A subclass is an object result of its own type. */
  g_assert_true (aio_future_set_object (future, cancellable, &error));
  g_assert_no_error (error);
  g_assert_true (aio_future_get_value_type (future) == G_TYPE_CANCELLABLE);
  g_assert_true (aio_future_get_object (future, &error) == (gpointer) cancellable);
  g_assert_no_error (error);
}

static void
test_future_result_boxed (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;
  const char *strv[] = { "a", "b", NULL };
  const char * const *stored;
  g_auto(GStrv) dup = NULL;

  g_assert_true (aio_future_set_boxed (future, G_TYPE_STRV, strv, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_STRV);

  /* Copied with the boxed type's copy function, not aliased. */
  stored = aio_future_get_boxed (future, &error);
  g_assert_no_error (error);
  g_assert_true (stored != (gconstpointer) strv);
  g_assert_true (g_strv_equal (stored, strv));

  dup = aio_future_dup_boxed (future, &error);
  g_assert_no_error (error);
  g_assert_true ((gconstpointer) dup != (gconstpointer) stored);
  g_assert_true (g_strv_equal ((const char * const *) dup, strv));

  aio_future_get_pointer (future, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
}

static guint pointer_frees;

static void
count_pointer_free (gpointer data)
{
  pointer_frees++;
  g_free (data);
}

static void
test_future_result_pointer (void)
{
  AioFuture *future = aio_future_new ();
  AioFuture *done = aio_future_new ();
  GError *error = NULL;
  int *data = g_new (int, 1);
  int *late = g_new (int, 1);

  pointer_frees = 0;
  *data = 7;
  g_assert_true (aio_future_set_pointer (future, data, count_pointer_free, &error));
  g_assert_no_error (error);
  assert_finished_with (future, G_TYPE_POINTER);
  g_assert_true (aio_future_get_pointer (future, &error) == data);
  g_assert_no_error (error);
  g_assert_true (aio_future_get_pointer (future, &error) == data);
  g_assert_cmpuint (pointer_frees, ==, 0);

  /* A pointer that cannot be stored is freed at once. */
  g_assert_true (aio_future_set_int (done, 1, NULL));
  g_assert_false (aio_future_set_pointer (done, late, count_pointer_free, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_cmpuint (pointer_frees, ==, 1);

  /* The future owns the pointer until it goes away. */
  g_object_unref (future);
  g_assert_cmpuint (pointer_frees, ==, 2);
  g_object_unref (done);
}

static void
test_future_result_value (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(AioFuture) empty = aio_future_new ();
  g_autoptr(GError) error = NULL;
  GValue in = G_VALUE_INIT;
  GValue out = G_VALUE_INIT;
  GValue again = G_VALUE_INIT;
  GValue nothing = G_VALUE_INIT;

  g_value_init (&in, G_TYPE_STRING);
  g_value_set_string (&in, "value");
  g_assert_true (aio_future_set_value (future, &in, &error));
  g_assert_no_error (error);
  g_value_set_string (&in, "changed afterwards");

  /* get_value() copies, every time. */
  g_assert_true (aio_future_get_value (future, &out, &error));
  g_assert_no_error (error);
  g_assert_true (G_VALUE_HOLDS_STRING (&out));
  g_assert_cmpstr (g_value_get_string (&out), ==, "value");
  g_assert_true (g_value_get_string (&out) != aio_future_get_string (future, NULL));
  g_assert_true (aio_future_get_value (future, &again, &error));
  g_assert_cmpstr (g_value_get_string (&again), ==, "value");

  /* A result with no value leaves the GValue unset. */
  g_assert_true (aio_future_set_value (empty, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aio_future_done (empty));
  g_assert_true (aio_future_get_value_type (empty) == G_TYPE_INVALID);
  g_assert_true (aio_future_get_value (empty, &nothing, &error));
  g_assert_no_error (error);
  g_assert_false (G_IS_VALUE (&nothing));
  aio_future_get_int (empty, &error);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);

  g_value_unset (&in);
  g_value_unset (&out);
  g_value_unset (&again);
}

static void
test_future_failed (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(AioFuture) taken = aio_future_new ();
  g_autoptr(GError) failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) dup = NULL;
  GValue value = G_VALUE_INIT;

  g_assert_true (aio_future_set_error (future, failure, &error));
  g_assert_no_error (error);
  g_assert_true (aio_future_done (future));
  g_assert_false (aio_future_cancelled (future));
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_FINISHED);
  g_assert_true (aio_future_get_value_type (future) == G_TYPE_INVALID);

  g_assert_false (aio_future_propagate (future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "gone");
  g_assert_true (error != failure);
  g_clear_error (&error);

  /* Every getter reports the future's own error. */
  g_assert_cmpint (aio_future_get_int (future, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (aio_future_get_value (future, &value, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (G_IS_VALUE (&value));
  g_clear_error (&error);

  dup = aio_future_dup_error (future);
  g_assert_error (dup, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* Done for good: no second outcome, no cancellation. */
  g_assert_false (aio_future_set_error (future, failure, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_set_int (future, 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_cancel (future, "too late"));
  g_assert_false (aio_future_cancelled (future));

  g_assert_true (aio_future_take_error (taken,
                                        g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED, "taken"),
                                        &error));
  g_assert_no_error (error);
  g_assert_false (aio_future_propagate (taken, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "taken");
}

static void
test_future_cancel (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(AioFuture) unnamed = aio_future_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) dup = NULL;

  g_assert_true (aio_future_cancel (future, "stop it"));
  g_assert_true (aio_future_done (future));
  g_assert_true (aio_future_cancelled (future));
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_CANCELLED);
  g_assert_true (aio_future_get_value_type (future) == G_TYPE_INVALID);

  dup = aio_future_dup_error (future);
  g_assert_error (dup, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (dup->message, ==, "stop it");
  g_assert_false (aio_future_propagate (future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Misuse after cancellation. */
  g_assert_false (aio_future_cancel (future, "again"));
  g_assert_false (aio_future_set_int (future, 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_set_string (future, "x", &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_take_error (future,
                                         g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED, "x"),
                                         &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_CANCELLED);

  /* Without a message there is still a readable one. */
  g_assert_true (aio_future_cancel (unnamed, NULL));
  g_assert_false (aio_future_propagate (unnamed, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_future_misuse_typed_pending (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;

  g_assert_false (aio_future_propagate (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_null (aio_future_get_string (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_null (aio_future_dup_object (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_get_value (future, &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_false (G_IS_VALUE (&value));
  g_assert_true (aio_future_get_value_type (future) == G_TYPE_INVALID);
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_PENDING);
}

static void
return_seven (AioTask  *task,
              gpointer  user_data)
{
  aio_task_return_int (task, 7);
}

static void
test_future_misuse_task_result (void)
{
  g_autoptr(AioTask) task = aio_task_new (return_seven, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;

  /* A task's outcome is its body's, not the caller's. */
  g_assert_false (aio_future_set_int (AIO_FUTURE (task), 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_take_error (AIO_FUTURE (task),
                                         g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED, "no"),
                                         &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_value_init (&value, G_TYPE_INT);
  g_assert_false (aio_future_set_value (AIO_FUTURE (task), &value, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_set_pointer (AIO_FUTURE (task), NULL, NULL, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (aio_future_done (AIO_FUTURE (task)));

  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 7);

  g_assert_false (aio_future_set_int (AIO_FUTURE (task), 1, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 7);
  aio_test_drain (NULL);
}

/* Done callbacks. */

typedef struct
{
  GString   *log;
  AioFuture *expected;
  guint      calls;
  guint      destroys;
} CallbackLog;

typedef struct
{
  CallbackLog *log;
  char         tag;
} CallbackTag;

static void
logging_callback (AioFuture *future,
                  gpointer   user_data)
{
  CallbackTag *tag = user_data;

  g_assert_true (future == tag->log->expected);
  g_assert_true (aio_future_done (future));
  g_assert_true (aio_loop_get_running () == aio_future_get_loop (future));
  g_string_append_c (tag->log->log, tag->tag);
  tag->log->calls++;
}

static void
logging_destroy (gpointer user_data)
{
  CallbackTag *tag = user_data;

  g_string_append_c (tag->log->log, g_ascii_tolower (tag->tag));
  tag->log->destroys++;
  g_free (tag);
}

static CallbackTag *
callback_tag_new (CallbackLog *log,
                  char         tag)
{
  CallbackTag *data = g_new (CallbackTag, 1);

  data->log = log;
  data->tag = tag;
  return data;
}

static void
test_future_callbacks_scheduled (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };

  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'A'),
                                logging_destroy);
  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'B'),
                                logging_destroy);
  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'C'),
                                logging_destroy);
  aio_test_drain (NULL);
  g_assert_cmpuint (log.calls, ==, 0);

  /* Completing the future only schedules them. */
  g_assert_true (aio_future_set_int (future, 1, NULL));
  g_assert_cmpuint (log.calls, ==, 0);
  g_assert_cmpuint (log.destroys, ==, 0);

  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, "AaBbCc");
  g_assert_cmpuint (log.calls, ==, 3);
  g_assert_cmpuint (log.destroys, ==, 3);

  /* They run once only. */
  aio_test_drain (NULL);
  g_assert_cmpuint (log.calls, ==, 3);
  g_string_free (log.log, TRUE);
}

static void
test_future_callbacks_after_done (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };

  g_assert_true (aio_future_cancel (future, NULL));
  aio_test_drain (NULL);

  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'X'),
                                logging_destroy);
  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'Y'),
                                logging_destroy);
  /* Scheduled, not called from inside add_done_callback(). */
  g_assert_cmpuint (log.calls, ==, 0);
  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, "XxYy");
  g_string_free (log.log, TRUE);
}

static void
test_future_callbacks_remove (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };
  CallbackTag *twice = callback_tag_new (&log, 'T');
  CallbackTag *kept = callback_tag_new (&log, 'K');

  aio_future_add_done_callback (future, logging_callback, twice, NULL);
  aio_future_add_done_callback (future, logging_callback, kept, logging_destroy);
  aio_future_add_done_callback (future, logging_callback, twice, NULL);
  aio_future_add_done_callback (future, logging_callback,
                                callback_tag_new (&log, 'R'), logging_destroy);

  /* Both registrations of (callback, twice) go; nothing else. */
  g_assert_cmpuint (aio_future_remove_done_callback (future, logging_callback, twice), ==, 2);
  g_assert_cmpuint (aio_future_remove_done_callback (future, logging_callback, twice), ==, 0);
  g_free (twice);

  g_assert_true (aio_future_set_boolean (future, TRUE, NULL));
  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, "KkRr");

  /* Nothing left to remove once they ran. */
  g_assert_cmpuint (aio_future_remove_done_callback (future, logging_callback, kept), ==, 0);
  g_string_free (log.log, TRUE);
}

static void
test_future_callbacks_remove_destroys (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };
  CallbackTag *tag = callback_tag_new (&log, 'D');

  aio_future_add_done_callback (future, logging_callback, tag, logging_destroy);
  g_assert_cmpuint (aio_future_remove_done_callback (future, logging_callback, tag), ==, 1);
  /* The destroy notify runs on removal. */
  g_assert_cmpstr (log.log->str, ==, "d");
  g_assert_true (aio_future_set_int (future, 0, NULL));
  aio_test_drain (NULL);
  g_assert_cmpuint (log.calls, ==, 0);
  g_string_free (log.log, TRUE);
}

static void
test_future_callbacks_freed_pending (void)
{
  AioFuture *future = aio_future_new ();
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };

  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'F'),
                                logging_destroy);
  /* A callback does not keep its future alive; dropping the future
   * frees the callback's data without calling it.
   */
  g_object_unref (future);
  g_assert_cmpuint (log.calls, ==, 0);
  g_assert_cmpuint (log.destroys, ==, 1);
  aio_test_drain (NULL);
  g_assert_cmpuint (log.calls, ==, 0);
  g_string_free (log.log, TRUE);
}

/* Completions from inside a callback are scheduled after it, so a chain
 * of futures never recurses.
 */
static void
chain_callback (AioFuture *future,
                gpointer   user_data)
{
  AioFuture *next = user_data;

  g_assert_true (aio_future_set_int (next, aio_future_get_int (future, NULL) + 1, NULL));
  g_assert_true (aio_future_done (next));
}

static void
test_future_callbacks_chain (void)
{
  AioFuture *futures[50];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (futures); i++)
    futures[i] = aio_future_new ();
  for (i = 0; i + 1 < G_N_ELEMENTS (futures); i++)
    aio_future_add_done_callback (futures[i], chain_callback, futures[i + 1], NULL);

  g_assert_true (aio_future_set_int (futures[0], 0, NULL));
  g_assert_false (aio_future_done (futures[1]));
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (),
                                              futures[G_N_ELEMENTS (futures) - 1], NULL));
  for (i = 0; i < G_N_ELEMENTS (futures); i++)
    {
      g_assert_cmpint (aio_future_get_int (futures[i], NULL), ==, (int) i);
      g_object_unref (futures[i]);
    }
  aio_test_drain (NULL);
}

/* aio_future_wait_async() and _finish(). */

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_future_wait_success (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GObject) source = NULL;
  g_autoptr(GError) error = NULL;

  aio_future_wait_async (future, NULL, store_result_cb, &result);
  aio_test_drain (NULL);
  g_assert_null (result);

  g_assert_true (aio_future_set_int (future, 5, NULL));
  wait_for_result (&result);
  source = g_async_result_get_source_object (result);
  g_assert_true (source == (GObject *) future);
  g_assert_true (g_async_result_is_tagged (result, aio_future_wait_async));
  g_assert_true (aio_future_wait_finish (future, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 5);
}

static void
test_future_wait_failure (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(AioFuture) cancelled = aio_future_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GError) error = NULL;

  aio_future_wait_async (future, NULL, store_result_cb, &result);
  aio_future_wait_async (cancelled, NULL, store_result_cb, &cancelled_result);
  g_assert_true (aio_future_take_error (future,
                                        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                                                             "broken"),
                                        NULL));
  g_assert_true (aio_future_cancel (cancelled, "called off"));

  g_assert_false (aio_future_wait_finish (future, wait_for_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);

  g_assert_false (aio_future_wait_finish (cancelled, wait_for_result (&cancelled_result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "called off");
}

/* Waits for @future with aio_future_wait_async() and returns the result to
 * hand to a typed finisher. */
static GAsyncResult *
wait_result_of (AioFuture *future)
{
  GAsyncResult *result = NULL;

  aio_future_wait_async (future, NULL, store_result_cb, &result);
  return wait_for_result (&result);
}

static void
test_future_wait_typed (void)
{
  g_autoptr(AioFuture) flag = aio_future_new ();
  g_autoptr(AioFuture) number = aio_future_new ();
  g_autoptr(AioFuture) big = aio_future_new ();
  g_autoptr(AioFuture) half = aio_future_new ();
  g_autoptr(AioFuture) text = aio_future_new ();
  g_autoptr(AioFuture) object = aio_future_new ();
  g_autoptr(AioFuture) boxed = aio_future_new ();
  g_autoptr(AioFuture) failed = aio_future_new ();
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GObject) got_object = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autofree char *got_text = NULL;
  g_autoptr(GError) error = NULL;

  aio_future_set_boolean (flag, TRUE, NULL);
  aio_future_set_int (number, -7, NULL);
  aio_future_set_int64 (big, G_GINT64_CONSTANT (1) << 40, NULL);
  aio_future_set_double (half, 0.5, NULL);
  aio_future_set_string (text, "words", NULL);
  aio_future_set_object (object, cancellable, NULL);
  aio_future_set_boxed (boxed, G_TYPE_BYTES, bytes, NULL);
  aio_future_take_error (failed, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone"), NULL);

  result = wait_result_of (flag);
  g_assert_true (aio_future_wait_boolean_finish (flag, result, &error));
  g_clear_object (&result);
  result = wait_result_of (number);
  g_assert_cmpint (aio_future_wait_int_finish (number, result, &error), ==, -7);
  g_clear_object (&result);
  result = wait_result_of (big);
  g_assert_cmpint (aio_future_wait_int64_finish (big, result, &error), ==, G_GINT64_CONSTANT (1) << 40);
  g_clear_object (&result);
  result = wait_result_of (half);
  g_assert_cmpfloat (aio_future_wait_double_finish (half, result, &error), ==, 0.5);
  g_clear_object (&result);
  result = wait_result_of (text);
  got_text = aio_future_wait_string_finish (text, result, &error);
  g_assert_cmpstr (got_text, ==, "words");
  g_clear_object (&result);
  result = wait_result_of (object);
  got_object = aio_future_wait_object_finish (object, result, &error);
  g_assert_true (got_object == (GObject *) cancellable);
  g_clear_object (&result);
  result = wait_result_of (boxed);
  got_bytes = aio_future_wait_boxed_finish (boxed, result, &error);
  g_assert_true (g_bytes_equal (got_bytes, bytes));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The future's error, and a result of another type. */
  result = wait_result_of (failed);
  g_assert_cmpint (aio_future_wait_int_finish (failed, result, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
  result = wait_result_of (text);
  g_assert_cmpint (aio_future_wait_int_finish (text, result, &error), ==, 0);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
}

static void
test_future_wait_cancelled (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) precancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) early_result = NULL;
  g_autoptr(GError) error = NULL;

  aio_future_wait_async (future, cancellable, store_result_cb, &result);
  aio_test_drain (NULL);
  g_assert_null (result);

  /* Cancelling the wait does not touch the future. */
  g_cancellable_cancel (cancellable);
  g_assert_false (aio_future_wait_finish (future, wait_for_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (aio_future_done (future));

  g_cancellable_cancel (precancelled);
  aio_future_wait_async (future, precancelled, store_result_cb, &early_result);
  g_assert_false (aio_future_wait_finish (future, wait_for_result (&early_result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (aio_future_done (future));

  /* The future finishing later finds nobody left to tell. */
  g_assert_true (aio_future_set_int (future, 1, NULL));
  aio_test_drain (NULL);
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 1);
}

static void
test_future_wait_already_done (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_future_set_string (future, "ready", NULL));
  aio_future_wait_async (future, cancellable, store_result_cb, &result);
  /* Never called back from inside the _async call. */
  g_assert_null (result);
  g_assert_true (aio_future_wait_finish (future, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (future, NULL), ==, "ready");

  /* A cancellation after the wait returned changes nothing. */
  g_cancellable_cancel (cancellable);
  aio_test_drain (NULL);
}

/* g_object_new() instead of aio_future_new(), as bindings create them. */
static void
test_future_gobject_new (void)
{
  g_autoptr(AioFuture) future = g_object_new (AIO_TYPE_FUTURE, NULL);
  g_autoptr(AioFuture) cancelled = g_object_new (AIO_TYPE_FUTURE, NULL);
  g_autoptr(GError) error = NULL;
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };

  g_assert_true (AIO_IS_FUTURE (future));
  g_assert_true (aio_future_get_loop (future) == aio_loop_get_default ());
  g_assert_cmpint (aio_future_get_state (future), ==, AIO_FUTURE_PENDING);

  aio_future_add_done_callback (future, logging_callback, callback_tag_new (&log, 'G'),
                                logging_destroy);
  g_assert_true (aio_future_set_double (future, 0.5, &error));
  g_assert_no_error (error);
  aio_test_drain (NULL);
  g_assert_cmpstr (log.log->str, ==, "Gg");
  g_assert_cmpfloat (aio_future_get_double (future, NULL), ==, 0.5);

  g_assert_true (aio_future_cancel (cancelled, "bye"));
  g_assert_true (aio_future_cancelled (cancelled));
  g_string_free (log.log, TRUE);
}

static void
test_future_gobject_new_thread_default (void)
{
  GMainContext *context = g_main_context_new ();
  AioFuture *future;

  /* Outside a running loop, a new future takes the thread-default one. */
  g_main_context_push_thread_default (context);
  future = g_object_new (AIO_TYPE_FUTURE, NULL);
  g_assert_true (aio_future_get_loop (future) == aio_loop_get_for_context (context));
  g_assert_true (aio_loop_get_thread_default () == aio_loop_get_for_context (context));
  g_assert_true (aio_future_set_int (future, 3, NULL));
  g_assert_true (aio_loop_run_until_complete (aio_future_get_loop (future), future, NULL));
  g_main_context_pop_thread_default (context);

  g_object_unref (future);
  aio_test_drain (context);
  g_main_context_unref (context);
}

/* Completing a future from another thread. */

typedef struct
{
  GMutex    lock;
  GCond     cond;
  guint     polls;
  gboolean  timed_out;
  AioFuture *future;
} PollWatch;

static PollWatch *poll_watch;

/* The loop's thread announces each time it blocks in poll(). */
static gint
announcing_poll (GPollFD *fds,
                 guint    nfds,
                 gint     timeout)
{
  g_mutex_lock (&poll_watch->lock);
  poll_watch->polls++;
  g_cond_broadcast (&poll_watch->cond);
  g_mutex_unlock (&poll_watch->lock);
  return g_poll (fds, nfds, timeout);
}

static gpointer
complete_when_blocked (gpointer data)
{
  PollWatch *watch = data;
  GError *error = NULL;

  g_mutex_lock (&watch->lock);
  while (watch->polls == 0)
    g_cond_wait (&watch->cond, &watch->lock);
  g_mutex_unlock (&watch->lock);

  g_assert_true (aio_future_set_int (watch->future, 42, &error));
  g_assert_no_error (error);
  return NULL;
}

static gboolean
poll_watch_timeout (gpointer data)
{
  PollWatch *watch = data;

  watch->timed_out = TRUE;
  aio_future_cancel (watch->future, "the loop was never woken up");
  return G_SOURCE_REMOVE;
}

static void
test_future_thread_complete_wakes (void)
{
  GMainContext *context = g_main_context_new ();
  AioLoop *loop = aio_loop_get_for_context (context);
  PollWatch watch = { 0, };
  GSource *timeout;
  GThread *thread;
  GError *error = NULL;

  g_mutex_init (&watch.lock);
  g_cond_init (&watch.cond);
  poll_watch = &watch;
  watch.future = aio_loop_create_future (loop);

  /* A generous safety net: only a missing wake-up lets it fire. */
  timeout = g_timeout_source_new_seconds (10);
  g_source_set_callback (timeout, poll_watch_timeout, &watch, NULL);
  g_source_attach (timeout, context);

  g_main_context_set_poll_func (context, announcing_poll);
  thread = g_thread_new ("completer", complete_when_blocked, &watch);
  g_assert_true (aio_loop_run_until_complete (loop, watch.future, &error));
  g_assert_no_error (error);
  g_thread_join (thread);

  g_assert_false (watch.timed_out);
  g_assert_cmpint (aio_future_get_int (watch.future, NULL), ==, 42);

  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_main_context_set_poll_func (context, NULL);
  g_object_unref (watch.future);
  aio_test_drain (context);
  g_main_context_unref (context);
  g_mutex_clear (&watch.lock);
  g_cond_clear (&watch.cond);
  poll_watch = NULL;
}

typedef struct
{
  AioFuture *future;
  gboolean   result;
} ThreadSet;

static gpointer
set_from_thread (gpointer data)
{
  ThreadSet *set = data;

  set->result = aio_future_set_int (set->future, 1, NULL);
  return NULL;
}

static void
test_future_thread_late_set (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  ThreadSet set = { future, FALSE };
  GThread *thread;

  /* The other thread's result is on its way to the loop... */
  thread = g_thread_new ("late", set_from_thread, &set);
  g_thread_join (thread);
  g_assert_true (set.result);
  g_assert_false (aio_future_done (future));

  /* ...when the loop's own thread finishes the future first. */
  g_assert_true (aio_future_set_int (future, 2, NULL));

  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*after the future was done*dropped*");
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpint (aio_future_get_int (future, NULL), ==, 2);
}

typedef struct
{
  AioFuture *future;
  guint      n_threads;
  guint      index;
  gint       successes;   /* (atomic) */
} Race;

static gpointer
race_to_set (gpointer data)
{
  Race *race = data;
  guint index = g_atomic_int_add (&race->index, 1);
  GError *error = NULL;

  if (aio_future_take_error (race->future,
                             g_error_new (AIO_ERROR, AIO_ERROR_FAILED, "thread %u", index),
                             &error))
    g_atomic_int_inc (&race->successes);
  else
    {
      g_assert_error (error, AIO_ERROR, AIO_ERROR_INVALID_STATE);
      g_clear_error (&error);
    }
  return NULL;
}

static void
test_future_thread_race (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;
  Race race = { future, 4, 0, 0 };
  GThread *threads[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("racer", race_to_set, &race);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  /* Each thread saw a pending future and handed its outcome over; the
   * first to reach the loop wins and every later one is dropped, loudly.
   */
  g_assert_cmpint (race.successes, ==, G_N_ELEMENTS (threads));
  for (i = 1; i < G_N_ELEMENTS (threads); i++)
    g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*late result is dropped*");
  g_assert_false (aio_loop_run_until_complete (aio_loop_get_default (), future, &error));
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();

  g_assert_error (error, AIO_ERROR, AIO_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "thread "));
}

/* Pointer results handed over from another thread keep their destroy
 * notify, including a late one that is dropped.
 */

typedef struct
{
  AioFuture *future;
  guint      frees;      /* (atomic) */
  gboolean   result;
} PointerSet;

static void
count_pointer_set_free (gpointer data)
{
  PointerSet **owner = data;

  g_atomic_int_inc (&(*owner)->frees);
  g_free (owner);
}

static gpointer
set_pointer_from_thread (gpointer data)
{
  PointerSet *set = data;
  PointerSet **payload = g_new (PointerSet *, 1);

  *payload = set;
  set->result = aio_future_set_pointer (set->future, payload, count_pointer_set_free, NULL);
  return NULL;
}

static void
test_future_thread_set_pointer (void)
{
  AioFuture *future = aio_future_new ();
  PointerSet set = { future, 0, FALSE };
  GError *error = NULL;

  g_thread_join (g_thread_new ("pointer", set_pointer_from_thread, &set));
  g_assert_true (set.result);
  g_assert_true (aio_loop_run_until_complete (aio_loop_get_default (), future, &error));
  g_assert_no_error (error);
  g_assert_nonnull (aio_future_get_pointer (future, NULL));
  g_assert_cmpuint (set.frees, ==, 0);

  /* The future owns the pointer and frees it with the given notify. */
  g_object_unref (future);
  g_assert_cmpuint (set.frees, ==, 1);
}

static void
test_future_thread_late_set_pointer (void)
{
  AioFuture *future = aio_future_new ();
  PointerSet set = { future, 0, FALSE };
  PointerSet own = { future, 0, FALSE };
  PointerSet **payload = g_new (PointerSet *, 1);

  g_thread_join (g_thread_new ("pointer", set_pointer_from_thread, &set));
  g_assert_true (set.result);

  /* The loop's thread sets its own pointer first... */
  *payload = &own;
  g_assert_true (aio_future_set_pointer (future, payload, count_pointer_set_free, NULL));

  /* ...so the other thread's is dropped, and freed with its own notify. */
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*late result is dropped*");
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (set.frees, ==, 1);
  g_assert_true (aio_future_get_pointer (future, NULL) == payload);

  g_assert_cmpuint (own.frees, ==, 0);
  g_object_unref (future);
  g_assert_cmpuint (own.frees, ==, 1);
  g_assert_cmpuint (set.frees, ==, 1);
}

static gpointer
cancel_from_thread (gpointer data)
{
  AioFuture *future = data;

  g_assert_true (aio_future_cancel (future, "from a thread"));
  return NULL;
}

static gpointer
add_callback_from_thread (gpointer data)
{
  CallbackLog *log = data;

  aio_future_add_done_callback (log->expected, logging_callback, callback_tag_new (log, 'T'),
                                logging_destroy);
  return NULL;
}

static void
test_future_thread_cancel_and_callback (void)
{
  g_autoptr(AioFuture) future = aio_future_new ();
  g_autoptr(GError) error = NULL;
  CallbackLog log = { g_string_new (NULL), future, 0, 0 };
  GThread *thread;

  thread = g_thread_new ("callback", add_callback_from_thread, &log);
  g_thread_join (thread);
  thread = g_thread_new ("cancel", cancel_from_thread, future);
  g_thread_join (thread);

  g_assert_false (aio_loop_run_until_complete (aio_loop_get_default (), future, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "from a thread");
  aio_test_drain (NULL);
  /* The callback ran on the loop's thread (logging_callback checks). */
  g_assert_cmpstr (log.log->str, ==, "Tt");
  g_string_free (log.log, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/aio/future/pending", test_future_pending);
  g_test_add_func ("/aio/future/set-twice", test_future_set_twice);
  g_test_add_func ("/aio/future/result/boolean", test_future_result_boolean);
  g_test_add_func ("/aio/future/result/int", test_future_result_int);
  g_test_add_func ("/aio/future/result/int64", test_future_result_int64);
  g_test_add_func ("/aio/future/result/uint64", test_future_result_uint64);
  g_test_add_func ("/aio/future/result/double", test_future_result_double);
  g_test_add_func ("/aio/future/result/string", test_future_result_string);
  g_test_add_func ("/aio/future/result/object", test_future_result_object);
  g_test_add_func ("/aio/future/result/object-subclass", test_future_result_object_subclass);
  g_test_add_func ("/aio/future/result/boxed", test_future_result_boxed);
  g_test_add_func ("/aio/future/result/pointer", test_future_result_pointer);
  g_test_add_func ("/aio/future/result/value", test_future_result_value);
  g_test_add_func ("/aio/future/failed", test_future_failed);
  g_test_add_func ("/aio/future/cancel", test_future_cancel);
  g_test_add_func ("/aio/future/misuse/pending", test_future_misuse_typed_pending);
  g_test_add_func ("/aio/future/misuse/task-result", test_future_misuse_task_result);
  g_test_add_func ("/aio/future/callbacks/scheduled", test_future_callbacks_scheduled);
  g_test_add_func ("/aio/future/callbacks/after-done", test_future_callbacks_after_done);
  g_test_add_func ("/aio/future/callbacks/remove", test_future_callbacks_remove);
  g_test_add_func ("/aio/future/callbacks/remove-destroys", test_future_callbacks_remove_destroys);
  g_test_add_func ("/aio/future/callbacks/freed-pending", test_future_callbacks_freed_pending);
  g_test_add_func ("/aio/future/callbacks/chain", test_future_callbacks_chain);
  g_test_add_func ("/aio/future/wait/success", test_future_wait_success);
  g_test_add_func ("/aio/future/wait/failure", test_future_wait_failure);
  g_test_add_func ("/aio/future/wait/cancelled", test_future_wait_cancelled);
  g_test_add_func ("/aio/future/wait/typed", test_future_wait_typed);
  g_test_add_func ("/aio/future/wait/already-done", test_future_wait_already_done);
  g_test_add_func ("/aio/future/gobject-new", test_future_gobject_new);
  g_test_add_func ("/aio/future/gobject-new-thread-default",
                   test_future_gobject_new_thread_default);
  g_test_add_func ("/aio/future/thread/complete-wakes", test_future_thread_complete_wakes);
  g_test_add_func ("/aio/future/thread/late-set", test_future_thread_late_set);
  g_test_add_func ("/aio/future/thread/race", test_future_thread_race);
  g_test_add_func ("/aio/future/thread/set-pointer", test_future_thread_set_pointer);
  g_test_add_func ("/aio/future/thread/late-set-pointer", test_future_thread_late_set_pointer);
  g_test_add_func ("/aio/future/thread/cancel-and-callback",
                   test_future_thread_cancel_and_callback);

  return g_test_run ();
}
