/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "aio-closure.h"
#include "aio-closure-private.h"
#include "aio-loop.h"

/* GClosure forms of the two callbacks a language binding registers most:
 * the done callback of every future it awaits, and the body of every task
 * it runs.  A binding turns its functions into closures cheaply and frees
 * them with the closure's reference count, where a C callback argument
 * costs a libffi trampoline per call (and PyGObject 3.42 leaks about 100
 * bytes of each).
 */

GClosure *
_aio_closure_take (GClosure *closure)
{
  g_closure_ref (closure);
  g_closure_sink (closure);
  if (G_CLOSURE_NEEDS_MARSHAL (closure))
    g_closure_set_marshal (closure, g_cclosure_marshal_generic);
  return closure;
}

static void
invoke_done_closure (AioFuture *future,
                     gpointer   user_data)
{
  GClosure *closure = user_data;
  GValue param = G_VALUE_INIT;

  g_value_init (&param, AIO_TYPE_FUTURE);
  g_value_set_object (&param, future);
  g_closure_invoke (closure, NULL, 1, &param, NULL);
  g_value_unset (&param);
}

/**
 * aio_future_add_done_closure:
 * @self: an [class@Aio.Future]
 * @closure: (transfer none): called with @self as its only argument once
 *   @self is done; its return value is ignored
 *
 * Like [method@Aio.Future.add_done_callback], with a [struct@GObject.Closure]:
 * the form language bindings use, since they make closures of their own
 * functions without a native trampoline per call.  The closure is
 * referenced (and sunk) until it has run; one without a marshaller, such
 * as a [func@GObject.CClosure.new] of a `void (*) (AioFuture *, gpointer)`
 * function, gets [func@GObject.CClosure.marshal_generic].
 *
 * Since: 1.0
 */
void
aio_future_add_done_closure (AioFuture *self,
                             GClosure  *closure)
{
  g_return_if_fail (AIO_IS_FUTURE (self));
  g_return_if_fail (closure != NULL);

  aio_future_add_done_callback (self, invoke_done_closure, _aio_closure_take (closure),
                                (GDestroyNotify) g_closure_unref);
}

static AioFuture *
invoke_step_closure (AioTask   *task,
                     AioFuture *awaited,
                     gpointer   user_data)
{
  GClosure *closure = user_data;
  GValue params[2] = { G_VALUE_INIT, G_VALUE_INIT };
  GValue next = G_VALUE_INIT;
  AioFuture *future;

  g_value_init (&params[0], AIO_TYPE_TASK);
  g_value_set_object (&params[0], task);
  g_value_init (&params[1], AIO_TYPE_FUTURE);
  g_value_set_object (&params[1], awaited);
  g_value_init (&next, AIO_TYPE_FUTURE);

  g_closure_invoke (closure, &next, G_N_ELEMENTS (params), params, NULL);

  future = g_value_dup_object (&next);
  g_value_unset (&next);
  g_value_unset (&params[1]);
  g_value_unset (&params[0]);
  return future;
}

/**
 * aio_task_new_stackless_closure:
 * @loop: (nullable): the loop to run on; %NULL for the running loop or,
 *   outside one, the thread-default loop
 * @name: (nullable): a name for the task, or %NULL for `Task-<n>`
 * @step: (transfer none): the body: called with the task and the awaited
 *   future (%NULL on the first step), it returns the next
 *   [class@Aio.Future] to wait for, or %NULL when the body is finished
 *
 * Like [ctor@Aio.Task.new_stackless], with the step function as a
 * [struct@GObject.Closure], the form language bindings use (see
 * [method@Aio.Future.add_done_closure]).  The closure is referenced (and
 * sunk) until the body has finished; one without a marshaller gets
 * [func@GObject.CClosure.marshal_generic].
 *
 * Returns: (transfer full): the new task
 *
 * Since: 1.0
 */
AioTask *
aio_task_new_stackless_closure (AioLoop    *loop,
                                const char *name,
                                GClosure   *step)
{
  g_return_val_if_fail (loop == NULL || AIO_IS_LOOP (loop), NULL);
  g_return_val_if_fail (step != NULL, NULL);

  return aio_task_new_stackless (loop, name, invoke_step_closure, _aio_closure_take (step),
                                 (GDestroyNotify) g_closure_unref);
}
