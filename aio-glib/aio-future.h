/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(AIO_INSIDE) && !defined(AIO_COMPILATION)
# error "Only <aio-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "aio-types.h"

G_BEGIN_DECLS

#define AIO_TYPE_FUTURE (aio_future_get_type ())

AIO_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (AioFuture, aio_future, AIO, FUTURE, GObject)

/**
 * AioFutureState:
 * @AIO_FUTURE_PENDING: no outcome yet
 * @AIO_FUTURE_CANCELLED: the future was cancelled
 * @AIO_FUTURE_FINISHED: the future has a result or an error
 *
 * The states of an [class@Aio.Future], asyncio's `_state`.
 *
 * Since: 1.0
 */
typedef enum /*< prefix=AIO_FUTURE >*/
{
  AIO_FUTURE_PENDING,
  AIO_FUTURE_CANCELLED,
  AIO_FUTURE_FINISHED,
} AioFutureState;

/**
 * AioFutureClass:
 * @parent_class: the parent class
 * @cancel: requests cancellation; returns %TRUE if the future was pending
 *   and will end cancelled (a subclass may finish the cancellation later,
 *   as [class@Aio.Task] does)
 *
 * The class of [class@Aio.Future].
 *
 * Since: 1.0
 */
struct _AioFutureClass
{
  GObjectClass parent_class;

  gboolean (*cancel) (AioFuture  *self,
                      const char *msg);

  /*< private >*/
  gpointer _reserved[8];
};

AIO_AVAILABLE_IN_1_0
AioFuture      *aio_future_new                  (void) G_GNUC_WARN_UNUSED_RESULT;
AIO_AVAILABLE_IN_1_0
AioLoop        *aio_future_get_loop             (AioFuture           *self);
AIO_AVAILABLE_IN_1_0
AioFutureState  aio_future_get_state            (AioFuture           *self);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_done                 (AioFuture           *self);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_cancelled            (AioFuture           *self);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_cancel               (AioFuture           *self,
                                                 const char          *msg);

AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_value            (AioFuture           *self,
                                                 const GValue        *value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_boolean          (AioFuture           *self,
                                                 gboolean             value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_int              (AioFuture           *self,
                                                 gint                 value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_int64            (AioFuture           *self,
                                                 gint64               value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_uint64           (AioFuture           *self,
                                                 guint64              value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_double           (AioFuture           *self,
                                                 gdouble              value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_string           (AioFuture           *self,
                                                 const char          *value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_object           (AioFuture           *self,
                                                 gpointer             value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_boxed            (AioFuture           *self,
                                                 GType                boxed_type,
                                                 gconstpointer        value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_pointer          (AioFuture           *self,
                                                 gpointer             value,
                                                 GDestroyNotify       destroy,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_set_error            (AioFuture           *self,
                                                 const GError        *failure,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_take_error           (AioFuture           *self,
                                                 GError              *failure,
                                                 GError             **error);

AIO_AVAILABLE_IN_1_0
gboolean        aio_future_propagate            (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
GType           aio_future_get_value_type       (AioFuture           *self);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_get_value            (AioFuture           *self,
                                                 GValue              *value,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_get_boolean          (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gint            aio_future_get_int              (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gint64          aio_future_get_int64            (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
guint64         aio_future_get_uint64           (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gdouble         aio_future_get_double           (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
const char     *aio_future_get_string           (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
char           *aio_future_dup_string           (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gpointer        aio_future_get_object           (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gpointer        aio_future_dup_object           (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gconstpointer   aio_future_get_boxed            (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gpointer        aio_future_dup_boxed            (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gpointer        aio_future_get_pointer          (AioFuture           *self,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
GError         *aio_future_dup_error            (AioFuture           *self);

AIO_AVAILABLE_IN_1_0
void            aio_future_add_done_callback    (AioFuture           *self,
                                                 AioFutureCallback    callback,
                                                 gpointer             user_data,
                                                 GDestroyNotify       destroy);
AIO_AVAILABLE_IN_1_0
guint           aio_future_remove_done_callback (AioFuture           *self,
                                                 AioFutureCallback    callback,
                                                 gpointer             user_data);

AIO_AVAILABLE_IN_1_0
void            aio_future_wait_async           (AioFuture           *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_wait_finish          (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gboolean        aio_future_wait_boolean_finish  (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gint            aio_future_wait_int_finish      (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gint64          aio_future_wait_int64_finish    (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gdouble         aio_future_wait_double_finish   (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
char           *aio_future_wait_string_finish   (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gpointer        aio_future_wait_object_finish   (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
AIO_AVAILABLE_IN_1_0
gpointer        aio_future_wait_boxed_finish    (AioFuture           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
