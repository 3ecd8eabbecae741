/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <aio-glib.h>

G_BEGIN_DECLS

/* Runs @func as a C coroutine task on the default loop until it is done,
 * and returns the task (transfer full) so the test can check its outcome.
 */
AioTask *aio_test_run_task         (AioTaskFunc  func,
                                    gpointer     user_data);

/* Iterates @context (NULL: default) until nothing is ready, so callbacks
 * that were scheduled have run and released what they hold.
 */
void     aio_test_drain            (GMainContext *context);

/* Iterates the default context until *@flag is TRUE, failing the test
 * after @timeout_seconds.
 */
void     aio_test_wait_for_flag    (const gboolean *flag,
                                    double          timeout_seconds);

G_END_DECLS
