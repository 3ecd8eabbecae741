/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"

G_BEGIN_DECLS

#define AIO_TYPE_BARRIER (aio_barrier_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioBarrier, aio_barrier, AIO, BARRIER, GObject)

AIO_AVAILABLE_IN_1_0
AioBarrier *aio_barrier_new           (guint       parties) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture  *aio_barrier_wait          (AioBarrier *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
void        aio_barrier_reset         (AioBarrier *self);
AIO_AVAILABLE_IN_1_0
void        aio_barrier_abort         (AioBarrier *self);
AIO_AVAILABLE_IN_1_0
guint       aio_barrier_get_parties   (AioBarrier *self);
AIO_AVAILABLE_IN_1_0
guint       aio_barrier_get_n_waiting (AioBarrier *self);
AIO_AVAILABLE_IN_1_0
gboolean    aio_barrier_get_broken    (AioBarrier *self);

G_END_DECLS
