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
  gboolean      pools_hooked;       /* the pools are emptied when the thread exits */
  gboolean      pools_trim_armed;   /* a timer will shrink pools that went unused */
  guint         pools_taken;        /* objects taken from the pools, for that timer */
} AioThreadState;

/* The recycling pools keep up to AIO_POOL_MAX objects each, so a burst of
 * tasks (a gather over 100,000) recycles on its next round too; what is
 * kept beyond AIO_POOL_KEEP goes back to the allocator once the pools have
 * gone unused for AIO_POOL_TRIM_DELAY_US.
 */
#define AIO_POOL_KEEP          256
#define AIO_POOL_MAX           (128 * 1024)
#define AIO_POOL_TRIM_DELAY_US (2 * G_USEC_PER_SEC)

/* Called after putting an object in a pool that holds more than
 * AIO_POOL_KEEP: arms the trim timer on @loop if this thread runs it.
 */
void _aio_pools_grew (AioLoop *loop) G_GNUC_INTERNAL;

/* Initial-exec: read straight off the thread pointer, where the default
 * model for a shared library calls into the dynamic linker on every
 * access (5-8% of a coroutine hop).  The block is small enough for the
 * static TLS space glibc keeps for libraries loaded later with dlopen(),
 * as a language binding loads this one.
 */
#ifdef __SANITIZE_ADDRESS__
/* GCC 12's UBSan null check of such an address tests stale flags. */
# define AIO_TLS_INITIAL_EXEC
#else
# define AIO_TLS_INITIAL_EXEC __attribute__ ((tls_model ("initial-exec")))
#endif

extern _Thread_local AioThreadState _aio_ts G_GNUC_INTERNAL AIO_TLS_INITIAL_EXEC;

/* A unique id for the calling thread, compared with a loop's owner. */
static inline gpointer
_aio_thread_id (void)
{
  return &_aio_ts;
}

G_END_DECLS
