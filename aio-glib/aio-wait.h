/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"
#include "aio-timeout.h"

G_BEGIN_DECLS

/**
 * AioWaitMode:
 * @AIO_WAIT_FIRST_COMPLETED: return as soon as any future is done or
 *   cancelled. Since: 1.0
 * @AIO_WAIT_FIRST_EXCEPTION: return as soon as any future fails with an
 *   error other than cancellation, or when all are done. Since: 1.0
 * @AIO_WAIT_ALL_COMPLETED: return when all futures are done. Since: 1.0
 *
 * When [func@Aio.wait] returns: asyncio's `FIRST_COMPLETED`,
 * `FIRST_EXCEPTION` and `ALL_COMPLETED`.
 *
 * Since: 1.0
 */
typedef enum /*< prefix=AIO_WAIT >*/
{
  AIO_WAIT_FIRST_COMPLETED,
  AIO_WAIT_FIRST_EXCEPTION,
  AIO_WAIT_ALL_COMPLETED,
} AioWaitMode;

AIO_AVAILABLE_IN_1_0
AioFuture *aio_wait           (AioFuture * const  *futures,
                               guint               n_futures,
                               AioWaitMode         return_when,
                               gdouble             timeout) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void       aio_wait_partition (AioFuture * const  *futures,
                               guint               n_futures,
                               GPtrArray         **done,
                               GPtrArray         **pending);
AIO_AVAILABLE_IN_1_0
AioFuture *aio_wait_for       (AioFuture          *future,
                               gdouble             timeout) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
