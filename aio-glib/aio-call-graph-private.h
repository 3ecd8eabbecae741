/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-future-private.h"
#include "aio-task-private.h"

G_BEGIN_DECLS

/* Call graphs (aio-call-graph.c) follow the waiters of a future up to
 * whoever waits: each kind of waiter that stands for a future tells which
 * future it completes in the end, and through what.  A module answers only
 * for its own waiter function and returns FALSE for any other.
 *
 * @owner receives the waiting future (unowned): a task for an await, the
 * future a combinator returns, or the task that owns a task group.  @via
 * receives a static name for the edge ("await", "gather", ...).
 */
typedef gboolean (*AioWaiterOwnerFunc) (AioWaiter   *waiter,
                                        AioFuture  **owner,
                                        const char **via);

gboolean _aio_gather_waiter_owner     (AioWaiter   *waiter,
                                       AioFuture  **owner,
                                       const char **via) G_GNUC_INTERNAL;
gboolean _aio_shield_waiter_owner     (AioWaiter   *waiter,
                                       AioFuture  **owner,
                                       const char **via) G_GNUC_INTERNAL;
gboolean _aio_wait_waiter_owner       (AioWaiter   *waiter,
                                       AioFuture  **owner,
                                       const char **via) G_GNUC_INTERNAL;
gboolean _aio_wait_for_waiter_owner   (AioWaiter   *waiter,
                                       AioFuture  **owner,
                                       const char **via) G_GNUC_INTERNAL;
gboolean _aio_task_group_waiter_owner (AioWaiter   *waiter,
                                       AioFuture  **owner,
                                       const char **via) G_GNUC_INTERNAL;

/* What a pending future returned by a combinator is, from its type or
 * its cancel hook: "gather", "shield", "wait", "wait_for", "task group",
 * or NULL when @future is none of the module's.
 */
const char *_aio_gather_future_kind     (AioFuture *future) G_GNUC_INTERNAL;
const char *_aio_shield_future_kind     (AioFuture *future) G_GNUC_INTERNAL;
const char *_aio_wait_future_kind       (AioFuture *future) G_GNUC_INTERNAL;
const char *_aio_task_group_future_kind (AioFuture *future) G_GNUC_INTERNAL;

G_END_DECLS
