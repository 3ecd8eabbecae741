/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "aio-types.h"

G_BEGIN_DECLS

typedef struct _AioCoroutine AioCoroutine;

/* Everything the scheduler keeps per thread, in one thread-local block so
 * a hot path resolves it once.
 */
typedef struct
{
  AioLoop      *running_loop;       /* (unowned) loop whose source is dispatching */
  AioTask      *current_task;       /* (unowned) task whose body is running */
  AioCoroutine *current_co;         /* (unowned) coroutine on whose stack we are */
  AioLoop      *constructing_loop;  /* (unowned) loop for a future being built */
  AioFuture    *future_pool;        /* recycled futures, linked through their private data */
  guint         n_future_pool;
  guint         n_task_pool;
  AioTask      *task_pool;          /* recycled tasks */
} AioThreadState;

extern _Thread_local AioThreadState _aio_ts G_GNUC_INTERNAL;

/* A unique id for the calling thread, compared with a loop's owner. */
static inline gpointer
_aio_thread_id (void)
{
  return &_aio_ts;
}

G_END_DECLS
