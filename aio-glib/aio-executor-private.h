/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-executor.h"

G_BEGIN_DECLS

/* Blocking work for the library's own operations (files): runs on a worker
 * thread and leaves its outcome in @result (initialised by the function) or
 * @error.  Returns FALSE on failure.
 */
typedef gboolean (*AioWorkFunc) (GCancellable  *cancellable,
                                 gpointer       user_data,
                                 GValue        *result,
                                 GError       **error);

/* Runs @work on the running loop's default executor.  Unlike a job of
 * aio_to_thread(), cancelling the returned future cancels @cancellable and
 * waits for @work to return: the future ends cancelled only after that, so
 * nothing is left half-done behind an awaiting task that resumed.
 */
AioFuture *_aio_run_work (AioWorkFunc    work,
                          gpointer       user_data,
                          GDestroyNotify destroy) G_GNUC_INTERNAL;

G_END_DECLS
