/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

#define AIO_TYPE_SEMAPHORE (aio_semaphore_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (AioSemaphore, aio_semaphore, AIO, SEMAPHORE, GObject)

/**
 * AioSemaphoreClass:
 * @parent_class: the parent class
 *
 * The class of [class@Aio.Semaphore].  It is derivable so that
 * [class@Aio.BoundedSemaphore] is a semaphore, as in asyncio.
 *
 * Since: 1.0
 */
struct _AioSemaphoreClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer _reserved[8];
};

#define AIO_TYPE_BOUNDED_SEMAPHORE (aio_bounded_semaphore_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioBoundedSemaphore, aio_bounded_semaphore,
                      AIO, BOUNDED_SEMAPHORE, AioSemaphore)

/**
 * AioSemaphoreGuard: (skip)
 *
 * A permit of an [class@Aio.Semaphore] that is given back when the guard
 * goes out of scope: the C form of asyncio's `async with semaphore:`.
 * Get one with `aio_semaphore_acquire_guard()` inside a C coroutine and
 * declare it with `g_autoptr(AioSemaphoreGuard)`;
 * `aio_semaphore_guard_release()` releases it earlier.
 *
 * Since: 1.0
 */
typedef struct _AioSemaphoreGuard AioSemaphoreGuard;

AIO_AVAILABLE_IN_1_0
AioSemaphore      *aio_semaphore_new              (guint                value) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture         *aio_semaphore_acquire          (AioSemaphore        *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean           aio_semaphore_release          (AioSemaphore        *self,
                                                   GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean           aio_semaphore_locked           (AioSemaphore        *self);
AIO_AVAILABLE_IN_1_0
guint              aio_semaphore_get_value        (AioSemaphore        *self);

AIO_AVAILABLE_IN_1_0
AioSemaphoreGuard *aio_semaphore_acquire_guard    (AioSemaphore        *self,
                                                   GError             **error) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void               aio_semaphore_guard_release    (AioSemaphoreGuard   *guard);

AIO_AVAILABLE_IN_1_0
AioBoundedSemaphore *aio_bounded_semaphore_new    (guint                value) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
guint              aio_bounded_semaphore_get_bound (AioBoundedSemaphore *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AioSemaphoreGuard, aio_semaphore_guard_release)

G_END_DECLS
