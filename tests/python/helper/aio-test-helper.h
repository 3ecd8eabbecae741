/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <aio-glib.h>

G_BEGIN_DECLS

/* A test-only library (AioTest-1) giving the Python tests C coroutine
 * tasks to mix with Python ones: the typelib cannot expose
 * aio_task_new(), whose body runs on a C stack.
 */

AioTask *aio_test_spawn_add           (AioFuture  *awaited,
                                       gint64      addend) G_GNUC_WARN_UNUSED_RESULT;
AioTask *aio_test_spawn_sleep_value   (gdouble     seconds,
                                       gint64      value) G_GNUC_WARN_UNUSED_RESULT;
AioTask *aio_test_spawn_fail          (const char *message) G_GNUC_WARN_UNUSED_RESULT;
AioTask *aio_test_spawn_cancel        (AioTask    *victim,
                                       gdouble     delay,
                                       const char *message) G_GNUC_WARN_UNUSED_RESULT;
AioTask *aio_test_spawn_absorb_cancel (gdouble     seconds) G_GNUC_WARN_UNUSED_RESULT;
AioTask *aio_test_spawn_concat        (AioFuture  *awaited,
                                       const char *suffix) G_GNUC_WARN_UNUSED_RESULT;
AioTask *aio_test_spawn_sum           (AioAsyncGenerator *generator) G_GNUC_WARN_UNUSED_RESULT;
AioAsyncGenerator *aio_test_count_to  (gint64      last) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
