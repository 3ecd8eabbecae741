/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

#define AIO_TYPE_ASYNC_GENERATOR (aio_async_generator_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioAsyncGenerator, aio_async_generator, AIO, ASYNC_GENERATOR, GObject)

/**
 * AioAsyncGeneratorFunc:
 * @generator: the generator this body produces values for
 * @user_data: the data given to `aio_async_generator_new()`
 *
 * The body of an async generator, run as a C coroutine: it hands out
 * values with `aio_async_generator_yield()` and may `aio_await()` anything
 * in between.  The generator is exhausted when the body returns.
 *
 * Since: 1.0
 */
typedef void (*AioAsyncGeneratorFunc) (AioAsyncGenerator *generator,
                                       gpointer           user_data);

/**
 * AioAsyncGeneratorStepFunc:
 * @generator: the generator this body produces values for
 * @awaited: (nullable): the future the previous step returned, now done;
 *   %NULL on the first step
 * @user_data: the data given to [ctor@Aio.AsyncGenerator.new_stackless]
 *
 * One step of a stackless async generator body, as [callback@Aio.TaskStepFunc]
 * is for a task.  To hand out a value, return the future of
 * [method@Aio.AsyncGenerator.yield_value]; it finishes when the consumer
 * asks for the next value, and fails with `G_IO_ERROR_CANCELLED` when the
 * generator is closed instead.
 *
 * Returns: (transfer full) (nullable): the future to wait for next, or
 *   %NULL when the body is finished
 *
 * Since: 1.0
 */
typedef AioFuture *(*AioAsyncGeneratorStepFunc) (AioAsyncGenerator *generator,
                                                 AioFuture         *awaited,
                                                 gpointer           user_data);

AIO_AVAILABLE_IN_1_0
AioAsyncGenerator *aio_async_generator_new       (AioAsyncGeneratorFunc      func,
                                                  gpointer                   user_data,
                                                  GDestroyNotify             destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioAsyncGenerator *aio_async_generator_new_stackless (AioAsyncGeneratorStepFunc step,
                                                      gpointer                  user_data,
                                                      GDestroyNotify            destroy) G_GNUC_WARN_UNUSED_RESULT;

AIO_AVAILABLE_IN_1_0
AioFuture  *aio_async_generator_anext         (AioAsyncGenerator  *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture  *aio_async_generator_aclose        (AioAsyncGenerator  *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_iterate       (AioAsyncGenerator  *self,
                                               GValue             *value,
                                               GError            **error);

AIO_AVAILABLE_IN_1_0
AioFuture  *aio_async_generator_yield_value   (AioAsyncGenerator  *self,
                                               const GValue       *value) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield         (AioAsyncGenerator  *self,
                                               const GValue       *value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield_int     (AioAsyncGenerator  *self,
                                               gint                value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield_int64   (AioAsyncGenerator  *self,
                                               gint64              value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield_double  (AioAsyncGenerator  *self,
                                               gdouble             value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield_string  (AioAsyncGenerator  *self,
                                               const char         *value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield_object  (AioAsyncGenerator  *self,
                                               gpointer            value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
gboolean    aio_async_generator_yield_pointer (AioAsyncGenerator  *self,
                                               gpointer            value,
                                               GError            **error);
AIO_AVAILABLE_IN_1_0
void        aio_async_generator_return_error  (AioAsyncGenerator  *self,
                                               GError             *error);

G_END_DECLS
