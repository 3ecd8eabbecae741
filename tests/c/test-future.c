/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "aio-test-utils.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/aio/future/pending", test_future_pending);
  g_test_add_func ("/aio/future/set-twice", test_future_set_twice);

  return g_test_run ();
}
