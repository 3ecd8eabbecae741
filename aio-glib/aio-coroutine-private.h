/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "aio-stack-private.h"
#include "aio-thread-private.h"

G_BEGIN_DECLS

/* A C function running on its own stack, which can suspend itself at any
 * depth and be resumed later.  This is the machinery under stackful tasks;
 * it knows nothing about futures or loops.
 */
typedef void (*AioCoroutineFunc) (gpointer data);

AioCoroutine *_aio_coroutine_new      (gsize                 stack_size,
                                       AioCoroutineFunc      func,
                                       gpointer              data,
                                       AioStackDescribeFunc  describe,
                                       gboolean              measure_stack,
                                       GError              **error) G_GNUC_INTERNAL;

/* Runs @co until it suspends or its function returns.  Returns the
 * coroutine that came back: @co, or one that @co handed over to with
 * _aio_coroutine_transfer() (or that one to another, and so on).
 */
AioCoroutine *_aio_coroutine_resume   (AioCoroutine         *co) G_GNUC_INTERNAL;

/* Suspends the running coroutine; returns when it is resumed. */
void          _aio_coroutine_suspend  (void) G_GNUC_INTERNAL;

/* Suspends the running coroutine and continues @to, a suspended one, in
 * its place: @to takes over its resumer, so when @to suspends or returns,
 * the _aio_coroutine_resume() that ran the caller returns @to.  Returns
 * when the caller is resumed.
 */
void          _aio_coroutine_transfer (AioCoroutine         *to) G_GNUC_INTERNAL;

/* The data @co was created with. */
gpointer      _aio_coroutine_get_data (AioCoroutine         *co) G_GNUC_INTERNAL;

/* The coroutine running on this thread, or NULL on a thread's own stack. */
AioCoroutine *_aio_coroutine_self     (void) G_GNUC_INTERNAL;

gboolean      _aio_coroutine_finished (AioCoroutine         *co) G_GNUC_INTERNAL;
gsize         _aio_coroutine_stack_size (AioCoroutine       *co) G_GNUC_INTERNAL;
/* How deep @co has used its stack, to the page: only meaningful for a
 * coroutine created with @measure_stack.
 */
gsize         _aio_coroutine_stack_depth (AioCoroutine      *co) G_GNUC_INTERNAL;

/* For the fault handler: the running coroutine's stack and owner.  Plain
 * reads only, so it is async-signal-safe.
 */
gboolean      _aio_coroutine_fault_info (AioStack            **stack,
                                         gpointer             *owner,
                                         AioStackDescribeFunc *describe) G_GNUC_INTERNAL;

/* Returns the stack of a finished (or never resumed) coroutine. */
void          _aio_coroutine_free     (AioCoroutine         *co) G_GNUC_INTERNAL;

G_END_DECLS
