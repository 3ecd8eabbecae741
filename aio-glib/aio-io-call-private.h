/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "aio-future-private.h"

G_BEGIN_DECLS

/* One GIO `_async` call behind a future: cancelling the future cancels
 * the call and ends the future at once; the callback then finds the
 * future done and only cleans up.  Embed it first in the call's state.
 */
typedef struct
{
  AioFuture    *future;       /* (owned) */
  GCancellable *cancellable;  /* (owned) */
} AioIoCall;

/* Allocates @size zeroed bytes, an AioIoCall at their start, for a new
 * future on @loop.
 */
gpointer   _aio_io_call_new   (AioLoop   *loop,
                               gsize      size) G_GNUC_INTERNAL;
/* Frees @call and its future reference; the future is the caller's. */
void       _aio_io_call_free  (gpointer   call) G_GNUC_INTERNAL;

/* Whether the future still waits for the call's outcome. */
static inline gboolean
_aio_io_call_pending (gpointer call)
{
  return !_aio_future_is_done (((AioIoCall *) call)->future);
}

/* Ends the future with @value (taken) or @error (taken), if it still
 * waits; otherwise frees them.
 */
void       _aio_io_call_finish (gpointer   call,
                                GValue    *value,
                                GError    *error) G_GNUC_INTERNAL;

G_END_DECLS
