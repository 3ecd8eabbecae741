/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <unistd.h>

#include "aio-test-utils.h"

/* Tasks and C coroutines: awaiting results of every type, nesting, deep
 * stacks, names, the task registry, stack sizes and stack overflows.
 */

#define KIB 1024
#define MIB (1024 * 1024)

/* Coroutines awaiting coroutines. */

static void
nested_body (AioTask  *task,
             gpointer  user_data)
{
  guint depth = GPOINTER_TO_UINT (user_data);
  GError *error = NULL;
  AioTask *child;
  gint below;

  if (depth == 0)
    {
      /* Suspend at the bottom so every level really waits. */
      g_assert_true (aio_yield (&error));
      aio_task_return_int (task, 0);
      return;
    }

  child = aio_task_new (nested_body, GUINT_TO_POINTER (depth - 1), NULL);
  below = aio_await_int (AIO_FUTURE (child), &error);
  g_assert_no_error (error);
  aio_task_return_int (task, below + (gint) depth);
}

static void
test_task_nested (void)
{
  g_autoptr(AioTask) task = aio_task_new (nested_body, GUINT_TO_POINTER (50), NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 50 * 51 / 2);
}

/* Every result type through aio_await_*(), both from a child task and
 * from a plain future completed later by a callback.
 */

typedef enum
{
  KIND_BOOLEAN,
  KIND_INT,
  KIND_INT64,
  KIND_UINT64,
  KIND_DOUBLE,
  KIND_STRING,
  KIND_OBJECT,
  KIND_BOXED,
  KIND_POINTER,
  KIND_VALUE,
  KIND_ERROR,
  N_KINDS
} Kind;

static GObject *shared_object;
static guint    pointer_frees;

static void
count_free (gpointer data)
{
  pointer_frees++;
  g_free (data);
}

static void
child_returning (AioTask  *task,
                 gpointer  user_data)
{
  Kind kind = GPOINTER_TO_UINT (user_data);
  const char *strv[] = { "x", "y", NULL };
  GValue value = G_VALUE_INIT;
  GError *error = NULL;

  /* Results are set after a suspension, as real work would. */
  g_assert_true (aio_yield (&error));

  switch (kind)
    {
    case KIND_BOOLEAN:
      aio_task_return_boolean (task, TRUE);
      break;
    case KIND_INT:
      aio_task_return_int (task, -17);
      break;
    case KIND_INT64:
      aio_task_return_int64 (task, G_MAXINT64);
      break;
    case KIND_UINT64:
      aio_task_return_uint64 (task, G_MAXUINT64);
      break;
    case KIND_DOUBLE:
      aio_task_return_double (task, 3.25);
      break;
    case KIND_STRING:
      aio_task_return_string (task, "text");
      break;
    case KIND_OBJECT:
      aio_task_return_object (task, shared_object);
      break;
    case KIND_BOXED:
      aio_task_return_boxed (task, G_TYPE_STRV, strv);
      break;
    case KIND_POINTER:
      aio_task_return_pointer (task, g_strdup ("owned"), count_free);
      break;
    case KIND_VALUE:
      g_value_init (&value, G_TYPE_UINT);
      g_value_set_uint (&value, 99);
      aio_task_return_value (task, &value);
      g_value_unset (&value);
      break;
    case KIND_ERROR:
    case N_KINDS:
    default:
      aio_task_return_error (task, g_error_new_literal (G_IO_ERROR,
                                                        G_IO_ERROR_PERMISSION_DENIED,
                                                        "denied"));
      break;
    }
}

static void
set_future_of_kind (AioFuture *future,
                    Kind       kind)
{
  const char *strv[] = { "x", "y", NULL };
  GValue value = G_VALUE_INIT;

  switch (kind)
    {
    case KIND_BOOLEAN:
      g_assert_true (aio_future_set_boolean (future, TRUE, NULL));
      break;
    case KIND_INT:
      g_assert_true (aio_future_set_int (future, -17, NULL));
      break;
    case KIND_INT64:
      g_assert_true (aio_future_set_int64 (future, G_MAXINT64, NULL));
      break;
    case KIND_UINT64:
      g_assert_true (aio_future_set_uint64 (future, G_MAXUINT64, NULL));
      break;
    case KIND_DOUBLE:
      g_assert_true (aio_future_set_double (future, 3.25, NULL));
      break;
    case KIND_STRING:
      g_assert_true (aio_future_set_string (future, "text", NULL));
      break;
    case KIND_OBJECT:
      g_assert_true (aio_future_set_object (future, shared_object, NULL));
      break;
    case KIND_BOXED:
      g_assert_true (aio_future_set_boxed (future, G_TYPE_STRV, strv, NULL));
      break;
    case KIND_POINTER:
      g_assert_true (aio_future_set_pointer (future, g_strdup ("owned"), count_free, NULL));
      break;
    case KIND_VALUE:
      g_value_init (&value, G_TYPE_UINT);
      g_value_set_uint (&value, 99);
      g_assert_true (aio_future_set_value (future, &value, NULL));
      g_value_unset (&value);
      break;
    case KIND_ERROR:
    case N_KINDS:
    default:
      g_assert_true (aio_future_take_error (future,
                                            g_error_new_literal (G_IO_ERROR,
                                                                 G_IO_ERROR_PERMISSION_DENIED,
                                                                 "denied"),
                                            NULL));
      break;
    }
}

typedef struct
{
  AioFuture *future;   /* (owned) */
  Kind       kind;
} LateSet;

static void
late_set_cb (gpointer user_data)
{
  LateSet *late = user_data;

  set_future_of_kind (late->future, late->kind);
  g_object_unref (late->future);
  g_free (late);
}

/* A future of @kind that a callback completes while the caller waits. */
static AioFuture *
source_of_kind (Kind     kind,
                gboolean from_task)
{
  AioFuture *future;
  LateSet *late;

  if (from_task)
    return AIO_FUTURE (aio_task_new (child_returning, GUINT_TO_POINTER (kind), NULL));

  future = aio_future_new ();
  late = g_new (LateSet, 1);
  late->future = g_object_ref (future);
  late->kind = kind;
  aio_handle_unref (aio_loop_call_soon (aio_loop_get_running (), late_set_cb, late, NULL));
  return future;
}

static void
await_every_type_body (AioTask  *task,
                       gpointer  user_data)
{
  gboolean from_task = GPOINTER_TO_INT (user_data);
  GError *error = NULL;
  g_autofree char *string = NULL;
  g_autofree char *pointer = NULL;
  g_auto(GStrv) strv = NULL;
  g_autoptr(GObject) object = NULL;
  GValue value = G_VALUE_INIT;
  AioFuture *kept;

  g_assert_true (aio_await_boolean (source_of_kind (KIND_BOOLEAN, from_task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_await_int (source_of_kind (KIND_INT, from_task), &error), ==, -17);
  g_assert_no_error (error);
  g_assert_cmpint (aio_await_int64 (source_of_kind (KIND_INT64, from_task), &error), ==,
                   G_MAXINT64);
  g_assert_no_error (error);
  g_assert_cmpuint (aio_await_uint64 (source_of_kind (KIND_UINT64, from_task), &error), ==,
                    G_MAXUINT64);
  g_assert_no_error (error);
  g_assert_cmpfloat (aio_await_double (source_of_kind (KIND_DOUBLE, from_task), &error), ==, 3.25);
  g_assert_no_error (error);

  string = aio_await_string (source_of_kind (KIND_STRING, from_task), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (string, ==, "text");

  object = aio_await_object (source_of_kind (KIND_OBJECT, from_task), &error);
  g_assert_no_error (error);
  g_assert_true (object == shared_object);

  strv = aio_await_boxed (source_of_kind (KIND_BOXED, from_task), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (strv), ==, 2);
  g_assert_cmpstr (strv[1], ==, "y");

  /* The awaiting side owns a pointer result; the future will not free it. */
  pointer_frees = 0;
  pointer = aio_await_pointer (source_of_kind (KIND_POINTER, from_task), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pointer, ==, "owned");
  g_assert_cmpuint (pointer_frees, ==, 0);

  g_assert_true (aio_await_value (source_of_kind (KIND_VALUE, from_task), &value, &error));
  g_assert_no_error (error);
  g_assert_true (G_VALUE_HOLDS_UINT (&value));
  g_assert_cmpuint (g_value_get_uint (&value), ==, 99);
  g_value_unset (&value);

  /* Failures come through every typed await. */
  g_assert_cmpint (aio_await_int (source_of_kind (KIND_ERROR, from_task), &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_null (aio_await_string (source_of_kind (KIND_ERROR, from_task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (aio_await (source_of_kind (KIND_ERROR, from_task), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* A result of another type is a mismatch, not a conversion. */
  g_assert_cmpint (aio_await_int (source_of_kind (KIND_INT64, from_task), &error), ==, 0);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);
  g_assert_null (aio_await_object (source_of_kind (KIND_STRING, from_task), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);
  g_assert_null (aio_await_boxed (source_of_kind (KIND_OBJECT, from_task), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);

  /* Awaiting with a reference kept: the result stays readable. */
  kept = source_of_kind (KIND_STRING, from_task);
  g_assert_true (aio_await (g_object_ref (kept), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (aio_future_get_string (kept, NULL), ==, "text");
  g_object_unref (kept);

  aio_task_return_boolean (task, TRUE);
}

static void
test_task_await_types (gconstpointer data)
{
  g_autoptr(AioTask) task = NULL;
  g_autoptr(GError) error = NULL;

  shared_object = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_add_weak_pointer (shared_object, (gpointer *) &shared_object);
  task = aio_task_new (await_every_type_body, (gpointer) data, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_true (aio_future_get_boolean (AIO_FUTURE (task), NULL));

  /* Nobody kept the object or the pointer. */
  g_object_unref (shared_object);
  g_assert_null (shared_object);
}

static void
test_task_result_types (void)
{
  struct
  {
    Kind  kind;
    GType type;
  } cases[] = {
    { KIND_BOOLEAN, G_TYPE_BOOLEAN },
    { KIND_INT, G_TYPE_INT },
    { KIND_INT64, G_TYPE_INT64 },
    { KIND_UINT64, G_TYPE_UINT64 },
    { KIND_DOUBLE, G_TYPE_DOUBLE },
    { KIND_STRING, G_TYPE_STRING },
    { KIND_OBJECT, G_TYPE_OBJECT },
    { KIND_BOXED, G_TYPE_STRV },
    { KIND_POINTER, G_TYPE_POINTER },
    { KIND_VALUE, G_TYPE_UINT },
  };
  guint i;

  shared_object = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_add_weak_pointer (shared_object, (gpointer *) &shared_object);
  pointer_frees = 0;

  /* What a task's body returns is its result, read like a future's. */
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AioTask *task = aio_task_new (child_returning, GUINT_TO_POINTER (cases[i].kind), NULL);

      g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
      g_assert_cmpint (aio_future_get_state (AIO_FUTURE (task)), ==, AIO_FUTURE_FINISHED);
      g_assert_true (aio_future_get_value_type (AIO_FUTURE (task)) == cases[i].type);
      g_object_unref (task);
    }
  /* A pointer nobody took is freed with the task. */
  g_assert_cmpuint (pointer_frees, ==, 1);
  g_object_unref (shared_object);
  g_assert_null (shared_object);
}

static void
return_twice_body (AioTask  *task,
                   gpointer  user_data)
{
  aio_task_return_int (task, 1);
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*already has a result*");
  aio_task_return_int (task, 2);
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*already has a result*");
  aio_task_return_error (task, g_error_new_literal (AIO_ERROR, AIO_ERROR_FAILED, "late"));
  g_test_assert_expected_messages ();
}

static void
test_task_return_twice (void)
{
  g_autoptr(AioTask) task = aio_task_new (return_twice_body, NULL, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 1);
}

static void
no_result_body (AioTask  *task,
                gpointer  user_data)
{
}

static void
test_task_no_result (void)
{
  g_autoptr(AioTask) task = aio_task_new (no_result_body, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aio_future_get_state (AIO_FUTURE (task)), ==, AIO_FUTURE_FINISHED);
  g_assert_true (aio_future_get_value_type (AIO_FUTURE (task)) == G_TYPE_INVALID);
  g_assert_true (aio_future_get_value (AIO_FUTURE (task), &value, &error));
  g_assert_false (G_IS_VALUE (&value));
}

/* Deep C stacks inside a coroutine. */

#define FRAME_BYTES 384

static G_GNUC_NO_INLINE guint64
recurse_then_await (guint     depth,
                    AioFuture *gate)
{
  volatile guint8 frame[FRAME_BYTES];
  GError *error = NULL;
  guint64 below;
  guint i;

  for (i = 0; i < FRAME_BYTES; i++)
    frame[i] = (guint8) (depth + i);

  if (depth == 0)
    {
      /* The whole stack is suspended here, twice. */
      g_assert_true (aio_yield (&error));
      g_assert_cmpint (aio_await_int (g_object_ref (gate), &error), ==, 1000);
      g_assert_no_error (error);
      below = 0;
    }
  else
    below = recurse_then_await (depth - 1, gate);

  /* Every frame's bytes survived the suspensions. */
  for (i = 0; i < FRAME_BYTES; i++)
    g_assert_cmpuint (frame[i], ==, (guint8) (depth + i));
  return below + depth;
}

static void
deep_body (AioTask  *task,
           gpointer  user_data)
{
  aio_task_return_uint64 (task, recurse_then_await (1000, user_data));
}

static void
open_gate (AioTask  *task,
           gpointer  user_data)
{
  GError *error = NULL;

  g_assert_true (aio_yield (&error));
  g_assert_true (aio_future_set_int (user_data, 1000, &error));
  g_assert_no_error (error);
}

static void
test_task_deep_recursion (void)
{
  g_autoptr(AioFuture) gate = aio_future_new ();
  g_autoptr(AioTask) deep = aio_task_new_full (NULL, "deep", MIB, deep_body, gate, NULL);
  g_autoptr(AioTask) opener = aio_task_new (open_gate, gate, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (aio_test_run_future (AIO_FUTURE (deep), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aio_future_get_uint64 (AIO_FUTURE (deep), NULL), ==, 1000 * 1001 / 2);
  g_assert_true (aio_future_done (AIO_FUTURE (opener)));
}

/* A task whose frames need more than the default 128 KiB. */

#define BIG_FRAME (200 * KIB)

static G_GNUC_NO_INLINE guint64
use_big_frame (void)
{
  volatile guint8 big[BIG_FRAME];
  GError *error = NULL;
  guint64 sum = 0;
  gsize i;

  for (i = 0; i < BIG_FRAME; i++)
    big[i] = (guint8) i;
  g_assert_true (aio_yield (&error));
  for (i = 0; i < BIG_FRAME; i += 4096)
    sum += big[i] + big[BIG_FRAME - 1 - i];
  return sum;
}

static void
big_frame_body (AioTask  *task,
                gpointer  user_data)
{
  g_assert_cmpuint (aio_task_get_stack_size (task), ==, MIB);
  aio_task_return_uint64 (task, use_big_frame ());
}

static void
test_task_stack_size (void)
{
  g_autoptr(AioTask) defaulted = aio_task_new (no_result_body, NULL, NULL);
  g_autoptr(AioTask) tiny = aio_task_new (no_result_body, NULL, NULL);
  g_autoptr(AioTask) odd = aio_task_new_full (NULL, NULL, 100000, no_result_body, NULL, NULL);
  g_autoptr(AioTask) big = aio_task_new (big_frame_body, NULL, NULL);
  g_autoptr(GError) error = NULL;
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guint64 expected = 0;
  gsize i;

  if (g_getenv ("AIO_STACK_SIZE") == NULL)
    g_assert_cmpuint (aio_task_get_stack_size (defaulted), ==, 128 * KIB);

  /* Rounded up to whole pages, and never below the minimum. */
  g_assert_cmpuint (aio_task_get_stack_size (odd) % page, ==, 0);
  g_assert_cmpuint (aio_task_get_stack_size (odd), >=, 100000);
  g_assert_cmpuint (aio_task_get_stack_size (odd), <, 100000 + page);
  aio_task_set_stack_size (tiny, 1);
  g_assert_cmpuint (aio_task_get_stack_size (tiny), ==, 16 * KIB);

  aio_task_set_stack_size (big, MIB);
  g_assert_cmpuint (aio_task_get_stack_size (big), ==, MIB);

  g_assert_true (aio_test_run_future (AIO_FUTURE (big), &error));
  g_assert_no_error (error);
  for (i = 0; i < BIG_FRAME; i += 4096)
    expected += (guint8) i + (guint8) (BIG_FRAME - 1 - i);
  g_assert_cmpuint (aio_future_get_uint64 (AIO_FUTURE (big), NULL), ==, expected);

  g_assert_true (aio_test_run_future (AIO_FUTURE (defaulted), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (tiny), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (odd), NULL));
}

static void
resize_while_running (AioTask  *task,
                      gpointer  user_data)
{
  gsize size = aio_task_get_stack_size (task);

  /* Too late once the body runs: the stack is already in use. */
  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*started*");
  aio_task_set_stack_size (task, 2 * MIB);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (aio_task_get_stack_size (task), ==, size);
}

static void
test_task_stack_size_late (void)
{
  g_autoptr(AioTask) task = aio_task_new (resize_while_running, NULL, NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
}

static AioFuture *
finish_at_once (AioTask   *task,
                AioFuture *awaited,
                gpointer   user_data)
{
  return NULL;
}

static void
test_task_stackless_stack_size (void)
{
  g_autoptr(AioTask) task = aio_task_new_stackless (NULL, NULL, finish_at_once, NULL, NULL);
  g_autoptr(AioTask) stackful = aio_task_new (no_result_body, NULL, NULL);

  g_assert_true (aio_task_is_stackless (task));
  g_assert_cmpuint (aio_task_get_stack_size (task), ==, 0);
  g_assert_false (aio_task_is_stackless (stackful));

  g_test_expect_message ("Aio", G_LOG_LEVEL_CRITICAL, "*func != NULL*");
  aio_task_set_stack_size (task, MIB);
  g_test_assert_expected_messages ();

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (stackful), NULL));
}

/* Stack overflows are reported, with the task's name. */

static G_GNUC_NO_INLINE guint
dive (guint depth,
      guint yield_every)
{
  volatile guint8 frame[256];

  frame[0] = (guint8) depth;
  frame[255] = 1;
  if (depth == G_MAXUINT)
    return 0;
  if (yield_every != 0 && depth % yield_every == 0)
    aio_yield (NULL);
  /* Not a tail call: the frame stays. */
  return dive (depth + 1, yield_every) + frame[0] + frame[255];
}

static void
dive_body (AioTask  *task,
           gpointer  user_data)
{
  aio_task_return_uint64 (task, dive (0, GPOINTER_TO_UINT (user_data)));
}

static void
test_task_stack_overflow (gconstpointer data)
{
  const char *guard = data;

  if (g_test_subprocess ())
    {
      AioTask *task;

      /* Decided at the first stack allocation, which is the one below. */
      if (*guard != '\0')
        g_assert_true (g_setenv ("AIO_STACK_GUARD", guard, TRUE));
      else
        g_unsetenv ("AIO_STACK_GUARD");

      /* Without a guard the overflow is caught at a switch, so that dive
       * suspends now and then; with one, it never needs to.
       */
      task = aio_task_new_full (NULL, "deep-diver", 0, dive_body,
                                GUINT_TO_POINTER (g_str_equal (guard, "none") ? 4 : 0), NULL);
      aio_loop_run_until_complete (aio_loop_get_default (), AIO_FUTURE (task), NULL);
      g_object_unref (task);
      return;   /* unreachable if the overflow is caught */
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*stack overflow*deep-diver*");
}

/* aio_await() where it cannot suspend. */

static void
test_task_await_outside (void)
{
  AioFuture *future = aio_future_new ();
  GError *error = NULL;

  g_assert_false (aio_in_coroutine ());
  g_object_add_weak_pointer (G_OBJECT (future), (gpointer *) &future);

  /* Fails at once, and still takes the reference it was given. */
  g_assert_false (aio_await (future, &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_clear_error (&error);
  g_assert_null (future);

  g_assert_cmpint (aio_await_int (aio_future_new (), &error), ==, 0);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_clear_error (&error);
  g_assert_false (aio_yield (&error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_clear_error (&error);
}

static void
await_in_callback (gpointer user_data)
{
  GError **error = user_data;

  /* A callback runs on the loop's own stack, never in a coroutine. */
  g_assert_false (aio_in_coroutine ());
  g_assert_null (aio_current_task ());
  g_assert_false (aio_await (aio_future_new (), error));
}

static void
callback_during_body (AioTask  *task,
                      gpointer  user_data)
{
  GError *error = NULL;

  g_assert_true (aio_in_coroutine ());
  aio_handle_unref (aio_loop_call_soon (aio_loop_get_running (), await_in_callback, user_data,
                                        NULL));
  g_assert_true (aio_yield (&error));
  g_assert_true (aio_in_coroutine ());
}

static AioFuture *
await_in_step (AioTask   *task,
               AioFuture *awaited,
               gpointer   user_data)
{
  GError **error = user_data;

  g_assert_false (aio_in_coroutine ());
  g_assert_true (aio_current_task () == task);
  g_assert_false (aio_await (aio_future_new (), error));
  return NULL;
}

static void
test_task_await_not_coroutine (void)
{
  g_autoptr(GError) callback_error = NULL;
  g_autoptr(GError) step_error = NULL;
  g_autoptr(AioTask) task = aio_task_new (callback_during_body, &callback_error, NULL);
  g_autoptr(AioTask) stackless = aio_task_new_stackless (NULL, NULL, await_in_step, &step_error,
                                                         NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_error (callback_error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
  g_assert_true (aio_test_run_future (AIO_FUTURE (stackless), NULL));
  g_assert_error (step_error, AIO_ERROR, AIO_ERROR_NOT_IN_COROUTINE);
}

static void
await_self_body (AioTask  *task,
                 gpointer  user_data)
{
  GError *error = NULL;

  g_assert_false (aio_await (g_object_ref (AIO_FUTURE (task)), &error));
  g_assert_error (error, AIO_ERROR, AIO_ERROR_AWAIT_SELF);
  g_assert_nonnull (strstr (error->message, "self-awaiter"));
  g_clear_error (&error);
  g_assert_cmpint (aio_await_int (g_object_ref (AIO_FUTURE (task)), &error), ==, 0);
  g_assert_error (error, AIO_ERROR, AIO_ERROR_AWAIT_SELF);
  g_clear_error (&error);

  /* Still a working task afterwards. */
  g_assert_true (aio_yield (&error));
  aio_task_return_int (task, 5);
}

static void
test_task_await_self (void)
{
  g_autoptr(AioTask) task = aio_task_new_full (NULL, "self-awaiter", 0, await_self_body, NULL,
                                               NULL);

  g_assert_true (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_cmpint (aio_future_get_int (AIO_FUTURE (task), NULL), ==, 5);
}

/* Names. */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *notifies = user_data;

  g_assert_cmpstr (pspec->name, ==, "name");
  (*notifies)++;
}

static void
test_task_names (void)
{
  g_autoptr(AioTask) first = aio_task_new (no_result_body, NULL, NULL);
  g_autoptr(AioTask) second = aio_task_new (no_result_body, NULL, NULL);
  g_autoptr(AioTask) named = aio_task_new_full (NULL, "worker", 0, no_result_body, NULL, NULL);
  g_autofree char *property = NULL;
  guint64 n1, n2;
  guint notifies = 0;

  /* Task-<n>, numbered in creation order, as asyncio does. */
  g_assert_true (g_str_has_prefix (aio_task_get_name (first), "Task-"));
  n1 = g_ascii_strtoull (aio_task_get_name (first) + 5, NULL, 10);
  n2 = g_ascii_strtoull (aio_task_get_name (second) + 5, NULL, 10);
  g_assert_cmpuint (n1, >, 0);
  g_assert_cmpuint (n2, ==, n1 + 1);
  g_assert_cmpstr (aio_task_get_name (named), ==, "worker");

  g_signal_connect (first, "notify::name", G_CALLBACK (count_notify), &notifies);
  aio_task_set_name (first, "renamed");
  g_assert_cmpstr (aio_task_get_name (first), ==, "renamed");
  g_assert_cmpuint (notifies, ==, 1);
  aio_task_set_name (first, "renamed");
  g_assert_cmpuint (notifies, ==, 1);

  g_object_get (first, "name", &property, NULL);
  g_assert_cmpstr (property, ==, "renamed");
  g_object_set (first, "name", "by-property", NULL);
  g_assert_cmpstr (aio_task_get_name (first), ==, "by-property");
  g_assert_cmpuint (notifies, ==, 2);

  /* NULL goes back to the number. */
  aio_task_set_name (first, NULL);
  g_assert_cmpuint (g_ascii_strtoull (aio_task_get_name (first) + 5, NULL, 10), ==, n1);
  g_assert_cmpuint (notifies, ==, 3);

  g_assert_true (aio_test_run_future (AIO_FUTURE (first), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (second), NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (named), NULL));
  g_signal_handlers_disconnect_by_func (first, count_notify, &notifies);
}

/* The current task and the registry of pending tasks. */

typedef struct
{
  AioFuture *gate;
  AioTask   *seen_self;
  AioTask   *seen_after_await;
} Whoami;

static void
whoami_body (AioTask  *task,
             gpointer  user_data)
{
  Whoami *who = user_data;
  GError *error = NULL;

  who->seen_self = aio_current_task ();
  g_assert_true (aio_await (g_object_ref (who->gate), &error));
  g_assert_no_error (error);
  who->seen_after_await = aio_current_task ();
}

static void
inner_whoami_body (AioTask  *task,
                   gpointer  user_data)
{
  AioTask **seen = user_data;

  *seen = aio_current_task ();
}

static void
outer_whoami_body (AioTask  *task,
                   gpointer  user_data)
{
  AioTask *inner_seen = NULL;
  AioTask *inner = aio_task_new (inner_whoami_body, &inner_seen, NULL);
  GError *error = NULL;

  g_assert_true (aio_current_task () == task);
  g_assert_true (aio_await (g_object_ref (AIO_FUTURE (inner)), &error));
  g_assert_true (inner_seen == inner);
  g_assert_true (aio_current_task () == task);
  g_object_unref (inner);
}

static void
test_task_current_and_all (void)
{
  AioLoop *loop = aio_loop_get_default ();
  g_autoptr(AioFuture) gate = aio_future_new ();
  Whoami a = { gate, NULL, NULL };
  Whoami b = { gate, NULL, NULL };
  g_autoptr(AioTask) task_a = NULL;
  g_autoptr(AioTask) task_b = NULL;
  g_autoptr(AioTask) outer = NULL;
  GList *tasks;

  g_assert_null (aio_current_task ());
  g_assert_null (aio_all_tasks (loop));

  task_a = aio_task_new (whoami_body, &a, NULL);
  task_b = aio_task_new (whoami_body, &b, NULL);

  /* Listed from creation, oldest first, with a reference each. */
  tasks = aio_all_tasks (loop);
  g_assert_cmpuint (g_list_length (tasks), ==, 2);
  g_assert_true (tasks->data == task_a);
  g_assert_true (tasks->next->data == task_b);
  g_list_free_full (tasks, g_object_unref);

  aio_test_drain (NULL);
  g_assert_true (a.seen_self == task_a);
  g_assert_true (b.seen_self == task_b);
  g_assert_null (aio_current_task ());
  tasks = aio_all_tasks (NULL);
  g_assert_cmpuint (g_list_length (tasks), ==, 2);
  g_list_free_full (tasks, g_object_unref);

  g_assert_true (aio_future_set_int (gate, 0, NULL));
  g_assert_true (aio_test_run_future (AIO_FUTURE (task_b), NULL));
  g_assert_true (a.seen_after_await == task_a);
  g_assert_true (b.seen_after_await == task_b);
  g_assert_null (aio_all_tasks (loop));

  outer = aio_task_new (outer_whoami_body, NULL, NULL);
  g_assert_true (aio_test_run_future (AIO_FUTURE (outer), NULL));
}

static void
flag_body (AioTask  *task,
           gpointer  user_data)
{
  gboolean *ran = user_data;
  GError *error = NULL;

  g_assert_true (aio_await (aio_sleep (0.001), &error));
  *ran = TRUE;
}

static void
flag_destroy (gpointer user_data)
{
  gboolean *ran = user_data;

  /* The body's data goes after the body, exactly once. */
  g_assert_true (*ran);
  *ran = FALSE;
}

static void
test_task_unreferenced_runs (void)
{
  gboolean ran = FALSE;
  AioTask *task = aio_create_task (flag_body, &ran, flag_destroy);

  /* The loop keeps a task until it is done. */
  g_object_unref (task);
  for (;;)
    {
      GList *pending = aio_all_tasks (NULL);
      gboolean done = pending == NULL;

      g_list_free_full (pending, g_object_unref);
      if (done)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  /* flag_destroy cleared it again. */
  g_assert_false (ran);
}

static void
fail_body (AioTask  *task,
           gpointer  user_data)
{
  aio_task_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                    "ignored failure"));
}

static void
test_task_unretrieved_error (void)
{
  AioTask *task = aio_task_new_full (NULL, "careless", 0, fail_body, NULL, NULL);

  g_assert_false (aio_test_run_future (AIO_FUTURE (task), NULL));
  g_assert_true (aio_future_done (AIO_FUTURE (task)));

  /* run_task() read the error through run_until_complete(); a second,
   * unread task reports its error when it goes away, as asyncio does.
   */
  g_object_unref (task);
  task = aio_task_new_full (NULL, "careless", 0, fail_body, NULL, NULL);
  while (!aio_future_done (AIO_FUTURE (task)))
    g_main_context_iteration (NULL, TRUE);
  g_test_expect_message ("Aio", G_LOG_LEVEL_WARNING, "*careless*nobody retrieved*ignored failure*");
  g_object_unref (task);
  aio_test_drain (NULL);
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  aio_test_add_func ("/aio/task/nested", test_task_nested);
  g_test_add_data_func ("/aio/task/await-types/future", GINT_TO_POINTER (FALSE),
                        test_task_await_types);
  g_test_add_data_func ("/aio/task/await-types/task", GINT_TO_POINTER (TRUE),
                        test_task_await_types);
  aio_test_add_func ("/aio/task/result-types", test_task_result_types);
  aio_test_add_func ("/aio/task/return-twice", test_task_return_twice);
  aio_test_add_func ("/aio/task/no-result", test_task_no_result);
  aio_test_add_func ("/aio/task/deep-recursion", test_task_deep_recursion);
  aio_test_add_func ("/aio/task/stack-size", test_task_stack_size);
  aio_test_add_func ("/aio/task/stack-size-late", test_task_stack_size_late);
  aio_test_add_func ("/aio/task/stack-size-stackless", test_task_stackless_stack_size);
  g_test_add_data_func ("/aio/task/stack-overflow/default", "", test_task_stack_overflow);
  g_test_add_data_func ("/aio/task/stack-overflow/mprotect", "mprotect", test_task_stack_overflow);
  g_test_add_data_func ("/aio/task/stack-overflow/none", "none", test_task_stack_overflow);
  aio_test_add_func ("/aio/task/await-outside", test_task_await_outside);
  aio_test_add_func ("/aio/task/await-not-coroutine", test_task_await_not_coroutine);
  aio_test_add_func ("/aio/task/await-self", test_task_await_self);
  aio_test_add_func ("/aio/task/names", test_task_names);
  aio_test_add_func ("/aio/task/current-and-all", test_task_current_and_all);
  aio_test_add_func ("/aio/task/unreferenced-runs", test_task_unreferenced_runs);
  aio_test_add_func ("/aio/task/unretrieved-error", test_task_unretrieved_error);

  return g_test_run ();
}
