/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <glib.h>

#include "aio-version-macros.h"

G_BEGIN_DECLS

/**
 * AIO_ERROR:
 *
 * The error domain of aio-glib's own errors, see [enum@Aio.Error].
 *
 * Cancellation is not in this domain: a cancelled future or task fails
 * with `G_IO_ERROR_CANCELLED` in `G_IO_ERROR`, so GIO code recognises it.
 * A timeout fails with `G_IO_ERROR_TIMED_OUT`.
 *
 * Since: 1.0
 */
#define AIO_ERROR (aio_error_quark ())

/**
 * AioError:
 * @AIO_ERROR_FAILED: a generic failure
 * @AIO_ERROR_INVALID_STATE: the operation does not fit the object's state,
 *   such as setting the result of a future twice or reading the result of
 *   a pending one
 * @AIO_ERROR_NOT_IN_COROUTINE: a suspending call such as `aio_await()` was
 *   made outside a C coroutine (a task created with [ctor@Aio.Task.new])
 * @AIO_ERROR_AWAIT_SELF: a task tried to await itself
 * @AIO_ERROR_LOOP_RUNNING: the loop is already running on this thread, so
 *   it cannot be run again from inside itself
 * @AIO_ERROR_TYPE_MISMATCH: a typed getter was used on a result of another
 *   type
 * @AIO_ERROR_CLOSED: the loop's main context has been destroyed
 * @AIO_ERROR_WRONG_THREAD: a loop-bound object was used from a thread that
 *   does not run its loop
 * @AIO_ERROR_INVALID_ARGUMENT: an argument was out of range at run time,
 *   such as a file descriptor that cannot be watched
 * @AIO_ERROR_QUEUE_EMPTY: a queue had no item to get without waiting
 *   (asyncio's `QueueEmpty`)
 * @AIO_ERROR_QUEUE_FULL: a queue had no room to put an item without
 *   waiting (asyncio's `QueueFull`)
 * @AIO_ERROR_QUEUE_SHUT_DOWN: the queue was shut down (asyncio's
 *   `QueueShutDown`)
 * @AIO_ERROR_BROKEN_BARRIER: the barrier was reset or aborted while
 *   waiting (asyncio's `BrokenBarrierError`)
 * @AIO_ERROR_TOO_MANY_RELEASES: a bounded semaphore was released more times
 *   than it was acquired
 * @AIO_ERROR_STOP_ITERATION: an async generator or iterator has no more
 *   values (asyncio's `StopAsyncIteration`)
 * @AIO_ERROR_MULTIPLE: several operations failed together, such as tasks
 *   of a task group; the message names them (asyncio's `ExceptionGroup`)
 * @AIO_ERROR_INCOMPLETE_READ: the stream ended before the bytes asked for
 *   arrived (asyncio's `IncompleteReadError`); the bytes that did arrive
 *   are in [func@Aio.Error.get_partial], the count asked for in
 *   [func@Aio.Error.get_expected].
 * @AIO_ERROR_LIMIT_OVERRUN: a separator was not found within the reader's
 *   limit (asyncio's `LimitOverrunError`); the data stays in the reader,
 *   and [func@Aio.Error.get_consumed] tells how many bytes to read to get
 *   past it.
 * @AIO_ERROR_INTERRUPTED: SIGINT interrupted the main task of
 *   [func@Aio.run], which ended cancelled (asyncio's `KeyboardInterrupt`)
 *
 * The errors in [error@Aio.Error]. New values are only ever appended.
 *
 * Since: 1.0
 */
typedef enum /*< prefix=AIO_ERROR >*/
{
  AIO_ERROR_FAILED,
  AIO_ERROR_INVALID_STATE,
  AIO_ERROR_NOT_IN_COROUTINE,
  AIO_ERROR_AWAIT_SELF,
  AIO_ERROR_LOOP_RUNNING,
  AIO_ERROR_TYPE_MISMATCH,
  AIO_ERROR_CLOSED,
  AIO_ERROR_WRONG_THREAD,
  AIO_ERROR_INVALID_ARGUMENT,
  AIO_ERROR_QUEUE_EMPTY,
  AIO_ERROR_QUEUE_FULL,
  AIO_ERROR_QUEUE_SHUT_DOWN,
  AIO_ERROR_BROKEN_BARRIER,
  AIO_ERROR_TOO_MANY_RELEASES,
  AIO_ERROR_STOP_ITERATION,
  AIO_ERROR_MULTIPLE,
  AIO_ERROR_INCOMPLETE_READ,
  AIO_ERROR_LIMIT_OVERRUN,
  AIO_ERROR_INTERRUPTED,
} AioError;

AIO_AVAILABLE_IN_1_0
GQuark  aio_error_quark        (void);
AIO_AVAILABLE_IN_1_0
GBytes *aio_error_get_partial  (const GError *error);
AIO_AVAILABLE_IN_1_0
gssize  aio_error_get_expected (const GError *error);
AIO_AVAILABLE_IN_1_0
gsize   aio_error_get_consumed (const GError *error);

G_END_DECLS
