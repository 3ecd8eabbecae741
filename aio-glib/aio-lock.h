/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

#define AIO_TYPE_LOCK (aio_lock_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioLock, aio_lock, AIO, LOCK, GObject)

/**
 * AioLockGuard: (skip)
 *
 * A held [class@Aio.Lock] that is released when the guard goes out of
 * scope: the C form of asyncio's `async with lock:`.  Get one with
 * `aio_lock_acquire_guard()` inside a C coroutine and declare it with
 * `g_autoptr(AioLockGuard)`; `aio_lock_guard_release()` releases it
 * earlier.
 *
 * Since: 1.0
 */
typedef struct _AioLockGuard AioLockGuard;

AIO_AVAILABLE_IN_1_0
AioLock      *aio_lock_new           (void) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_lock_acquire       (AioLock       *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_lock_release       (AioLock       *self,
                                      GError       **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_lock_locked        (AioLock       *self);

AIO_AVAILABLE_IN_1_0
AioLockGuard *aio_lock_acquire_guard (AioLock       *self,
                                      GError       **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void          aio_lock_guard_release (AioLockGuard  *guard);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AioLockGuard, aio_lock_guard_release)

G_END_DECLS
