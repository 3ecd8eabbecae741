/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-error.h"
#include "aio-future-private.h"

G_BEGIN_DECLS

/* What the synchronization primitives (locks, events, conditions,
 * semaphores, barriers, queues, async generators) share.
 *
 * Each primitive is bound to one loop, the first time it is used, as
 * asyncio's primitives bind to the running loop.  Waiting is done with one
 * record per waiter in an intrusive list, so a waiter cancelled while it
 * waits is unlinked at once from the future's cancel hook; whatever a
 * primitive hands over through a done future (a lock, a permit, an item)
 * is taken back by a cancel hook set after completion, if the awaiter is
 * cancelled before it resumes.
 */

typedef struct _AioSyncWaiter AioSyncWaiter;
typedef struct _AioWaitList   AioWaitList;

/* Frees what a record type adds to the common part. */
typedef void (*AioSyncWaiterClear) (AioSyncWaiter *waiter);

struct _AioSyncWaiter
{
  AioLink             link;     /* in list */
  AioWaitList        *list;     /* (unowned) (nullable) the list it is linked in */
  AioFuture          *future;   /* (owned) what the waiting side awaits */
  gpointer            owner;    /* (owned) the primitive, kept alive by its waiters */
  AioSyncWaiterClear  clear;    /* (nullable) */
};

/* Oldest first.  Loop thread only, like the primitive holding it. */
struct _AioWaitList
{
  AioList list;     /* of AioSyncWaiter */
  guint   length;
};

static inline gboolean
_aio_wait_list_is_empty (const AioWaitList *list)
{
  return _aio_list_is_empty (&list->list);
}

/* Checks that the caller may use a primitive bound to *@loop_slot: it runs
 * on the thread of that loop and no other loop is dispatching.  Binds the
 * primitive to the caller's loop on first use.
 */
gboolean       _aio_sync_check_loop_slow   (AioLoop          **loop_slot,
                                            const char        *type_name,
                                            GError           **error) G_GNUC_INTERNAL;

static inline gboolean
_aio_sync_check_loop (AioLoop    **loop_slot,
                      const char  *type_name,
                      GError     **error)
{
  AioLoop *loop = *loop_slot;

  if (G_LIKELY (loop != NULL))
    {
      AioLoop *running = _aio_ts.running_loop;

      if (G_LIKELY (running == loop ||
                    (running == NULL && _aio_loop_is_owner (loop))))
        return TRUE;
    }
  return _aio_sync_check_loop_slow (loop_slot, type_name, error);
}

/* The same for functions that cannot report an error: a critical warning
 * names @function.
 */
gboolean       _aio_sync_check_loop_critical (AioLoop        **loop_slot,
                                              const char      *type_name,
                                              const char      *function) G_GNUC_INTERNAL;

static inline gboolean
_aio_sync_check_loop_or_warn (AioLoop    **loop_slot,
                              const char  *type_name,
                              const char  *function)
{
  if (G_LIKELY (_aio_sync_check_loop (loop_slot, type_name, NULL)))
    return TRUE;
  return _aio_sync_check_loop_critical (loop_slot, type_name, function);
}

/* A future on @loop that is already done: with @value (moved, may be
 * NULL), or failed with @error (taken; cancellation ends it cancelled).
 */
AioFuture     *_aio_sync_future_new_done   (AioLoop           *loop,
                                            GValue            *value) G_GNUC_INTERNAL;
AioFuture     *_aio_sync_future_new_failed (AioLoop           *loop,
                                            GError            *error) G_GNUC_INTERNAL;
AioFuture     *_aio_sync_future_new_boolean (AioLoop          *loop,
                                             gboolean          value) G_GNUC_INTERNAL;

/* Completes the pending @future with @error (taken). */
void           _aio_sync_future_fail       (AioFuture         *future,
                                            GError            *error) G_GNUC_INTERNAL;
void           _aio_sync_future_set_boolean (AioFuture        *future,
                                             gboolean          value) G_GNUC_INTERNAL;

/* Whether nobody but the primitive can ever see @future: its result would
 * be lost, so a lock or an item must not be handed to it.
 */
static inline gboolean
_aio_sync_future_abandoned (AioFuture *future)
{
  return _aio_object_is_sole_reference (future) &&
         !_aio_future_has_waiters (future);
}

/* A record of @size bytes (at least sizeof (AioSyncWaiter)) holding a new
 * pending future on @loop and a reference to @owner.  @cancelled is set
 * as the future's cancel hook with the record as its data.
 */
gpointer       _aio_sync_waiter_new        (gsize              size,
                                            gpointer           owner,
                                            AioLoop           *loop,
                                            AioCancelHook      cancelled) G_GNUC_INTERNAL;
void           _aio_sync_waiter_free       (AioSyncWaiter     *waiter) G_GNUC_INTERNAL;

/* The cancel hook of a waiter that only has to leave its list. */
gboolean       _aio_sync_waiter_cancelled  (AioFuture         *future,
                                            const char        *msg,
                                            gpointer           data) G_GNUC_INTERNAL;

void           _aio_wait_list_push         (AioWaitList       *list,
                                            AioSyncWaiter     *waiter) G_GNUC_INTERNAL;
void           _aio_wait_list_remove       (AioWaitList       *list,
                                            AioSyncWaiter     *waiter) G_GNUC_INTERNAL;
/* Unlinks the oldest waiter; with @skip_abandoned, frees abandoned ones
 * on the way.  Returns NULL when none is left.
 */
AioSyncWaiter *_aio_wait_list_pop          (AioWaitList       *list,
                                            gboolean           skip_abandoned) G_GNUC_INTERNAL;
/* Fails every waiter with a copy of @error, or with TRUE if @error is
 * NULL, and frees the records.
 */
void           _aio_wait_list_complete_all (AioWaitList       *list,
                                            const GError      *error) G_GNUC_INTERNAL;

/* g_object_unref() that skips the type check unless it drops the last
 * reference, as a GDestroyNotify: the primitives take and drop references
 * to themselves on every hand-over.
 */
void           _aio_sync_unref             (gpointer           object) G_GNUC_INTERNAL;

/* The scoped guards of locks and semaphores: a guard is the primitive
 * with a reference held for the scope.  Acquiring awaits @acquire (which
 * is named @acquire_name in the error outside a coroutine); releasing
 * calls @release, reporting a failure as a critical naming @function.
 */
typedef AioFuture *(*AioSyncAcquireFunc) (gpointer primitive);
typedef gboolean   (*AioSyncReleaseFunc) (gpointer   primitive,
                                          GError   **error);

gpointer       _aio_sync_guard_acquire     (gpointer            primitive,
                                            AioSyncAcquireFunc  acquire,
                                            const char         *acquire_name,
                                            GError            **error) G_GNUC_INTERNAL;
void           _aio_sync_guard_release     (gpointer            primitive,
                                            AioSyncReleaseFunc  release,
                                            const char         *function) G_GNUC_INTERNAL;

G_END_DECLS
