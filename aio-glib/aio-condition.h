/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include "aio-future.h"
#include "aio-lock.h"

G_BEGIN_DECLS

#define AIO_TYPE_CONDITION (aio_condition_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (AioCondition, aio_condition, AIO, CONDITION, GObject)

/**
 * AioConditionPredicate:
 * @user_data: the data given to [method@Aio.Condition.wait_for]
 *
 * Tells [method@Aio.Condition.wait_for] whether what it waits for has
 * happened.  It is called on the condition's loop with the lock held.
 *
 * Returns: %TRUE to stop waiting
 *
 * Since: 1.0
 */
typedef gboolean (*AioConditionPredicate) (gpointer user_data);

AIO_AVAILABLE_IN_1_0
AioCondition *aio_condition_new        (AioLock               *lock) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioLock      *aio_condition_get_lock   (AioCondition          *self);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_condition_acquire    (AioCondition          *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_condition_release    (AioCondition          *self,
                                        GError               **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_condition_locked     (AioCondition          *self);
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_condition_wait       (AioCondition          *self) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioFuture    *aio_condition_wait_for   (AioCondition          *self,
                                        AioConditionPredicate  predicate,
                                        gpointer               user_data,
                                        GDestroyNotify         destroy) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
gboolean      aio_condition_notify     (AioCondition          *self,
                                        guint                  n,
                                        GError               **error);
AIO_AVAILABLE_IN_1_0
gboolean      aio_condition_notify_all (AioCondition          *self,
                                        GError               **error);

G_END_DECLS
