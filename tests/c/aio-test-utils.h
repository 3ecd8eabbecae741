/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <aio-glib.h>

G_BEGIN_DECLS

/* Runs @func as a C coroutine task on the default loop until it is done,
 * and returns the task (transfer full) so the test can check its outcome.
 */
AioTask *aio_test_run_task         (AioTaskFunc  func,
                                    gpointer     user_data);

/* Runs the loop of @future until @future is done, then drains that loop's
 * context; returns the outcome as aio_loop_run_until_complete() does.
 */
gboolean aio_test_run_future       (AioFuture  *future,
                                    GError    **error);

/* Iterates @context (NULL: default) until nothing is ready, so callbacks
 * that were scheduled have run and released what they hold.
 */
void     aio_test_drain            (GMainContext *context);

/* Iterates the default context until *@flag is TRUE, failing the test
 * after @timeout_seconds (times $AIO_TEST_TIMEOUT_MULTIPLIER, which the
 * valgrind and sanitize test setups set).
 */
void     aio_test_wait_for_flag    (const gboolean *flag,
                                    double          timeout_seconds);

/* Iterates @context (NULL: default) until *@counter (read atomically) is
 * at least @target, failing the test after @timeout_seconds (scaled as
 * above).
 */
void     aio_test_wait_for_count   (GMainContext   *context,
                                    const guint    *counter,
                                    guint           target,
                                    double          timeout_seconds);

/* Fails the test if @loop (NULL: the default loop) has tasks that are not
 * done, naming them: every test must leave the shared loop clean.
 */
void     aio_test_assert_no_tasks  (AioLoop        *loop);

/* g_test_add_func(), then drains the default context and checks that no
 * task was left pending, so one test cannot leak work into the next.
 */
void     aio_test_add_func         (const char     *testpath,
                                    GTestFunc       test_func);

/* The descriptors the process has open, to check a test leaves none. */
guint    aio_test_count_fds        (void);

G_END_DECLS
