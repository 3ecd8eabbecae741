/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "aio-handle.h"
#include "aio-loop-private.h"

G_BEGIN_DECLS

typedef enum
{
  AIO_HANDLE_SOON,
  AIO_HANDLE_TIMER,
  AIO_HANDLE_READER,
  AIO_HANDLE_WRITER,
  AIO_HANDLE_SIGNAL,
} AioHandleKind;

struct _AioHandle
{
  gint            ref_count;    /* (atomic) */
  gint            cancelled;    /* (atomic) */
  AioHandleKind   kind;
  int             fd;           /* readers and writers */
  AioLoop        *loop;         /* (owned) */
  AioCallback     callback;
  gpointer        user_data;
  GDestroyNotify  destroy;      /* called once, on the loop thread, when the loop lets go */
  gint64          when;         /* timers: monotonic microseconds */
  guint64         seq;          /* timers: FIFO order among equal deadlines */
  gint            heap_index;   /* timers: position in the heap, -1 outside it */
};

AioHandle *_aio_handle_new      (AioLoop        *loop,
                                 AioHandleKind   kind,
                                 AioCallback     callback,
                                 gpointer        user_data,
                                 GDestroyNotify  destroy) G_GNUC_INTERNAL;

/* Runs the callback unless cancelled.  Loop thread only. */
void       _aio_handle_run      (AioHandle      *handle) G_GNUC_INTERNAL;

/* Drops the callback's user data (destroy notify), once.  Loop thread. */
void       _aio_handle_release_data (AioHandle  *handle) G_GNUC_INTERNAL;

/* Ready-ring work holding a reference to a handle whose callback runs once
 * (call_soon, a due timer): runs it, then lets go of its data and the
 * reference; dropped, it only lets go.
 */
extern const AioReadyOps _aio_handle_run_once_ops G_GNUC_INTERNAL;
/* Its drop: _aio_handle_release_data() and a reference. */
void       _aio_handle_release_ref  (gpointer    handle) G_GNUC_INTERNAL;

G_END_DECLS
