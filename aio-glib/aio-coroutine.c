/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdint.h>

#include "aio-coroutine-private.h"
#include "aio-sanitizer-private.h"
#include "aio-switch-private.h"

/* The coroutine record sits at the top of its own stack, in the page the
 * first frames touch anyway, so a suspended coroutine costs no extra heap.
 */
struct _AioCoroutine
{
  AioSwitchContext      context;    /* where the coroutine continues */
  AioSwitchContext     *resumer;    /* where it goes when it suspends; on the resumer's stack */
  AioCoroutine         *outer;      /* the coroutine that resumed this one, if any */
  AioStack             *stack;      /* (owned) */
  AioCoroutineFunc      func;
  gpointer              data;
  AioStackDescribeFunc  describe;
  gboolean              finished;
#ifdef AIO_ASAN
  void                 *fake_stack;       /* ASan's fake stack of the suspended side */
  const void           *resumer_bottom;   /* the resumer's stack, learnt on entry */
  gsize                 resumer_size;
#endif
};

/* Below this many bytes of free stack at a switch, an unguarded stack has
 * certainly overflowed into its gap.
 */
#define STACK_SLACK 256

/* Only stacks without a guard need this: a guarded one faults first. */
static inline void
check_stack_pointer (AioCoroutine *co)
{
  const guint8 *sp = __builtin_frame_address (0);

  if (G_UNLIKELY (co->stack->guard == AIO_STACK_GUARD_NONE &&
                  (sp < co->stack->lo + STACK_SLACK ||
                   sp > co->stack->lo + co->stack->size)))
    _aio_stack_overflow (co->stack, co->data, co->describe);
}

static void
coroutine_main (void *arg)
{
  AioCoroutine *co = arg;

#ifdef AIO_ASAN
  __sanitizer_finish_switch_fiber (NULL, &co->resumer_bottom, &co->resumer_size);
#endif

  co->func (co->data);
  co->finished = TRUE;

  /* A dying stack: ASan may drop its fake stack. */
#ifdef AIO_ASAN
  __sanitizer_start_switch_fiber (NULL, co->resumer_bottom, co->resumer_size);
#endif
  _aio_ts.current_co = co->outer;
  _aio_switch (&co->context, co->resumer);
  g_assert_not_reached ();
}

AioCoroutine *
_aio_coroutine_new (gsize                 stack_size,
                    AioCoroutineFunc      func,
                    gpointer              data,
                    AioStackDescribeFunc  describe,
                    gboolean              measure_stack,
                    GError              **error)
{
  AioStack *stack;
  AioCoroutine *co;
  uintptr_t top;

  _aio_stack_prepare_thread ();
  stack = _aio_stack_acquire (stack_size, error);
  if (stack == NULL)
    return NULL;
  if (measure_stack)
    _aio_stack_forget_pages (stack);

  top = (uintptr_t) (stack->lo + stack->size);
  co = (AioCoroutine *) ((top - sizeof (AioCoroutine)) & ~(uintptr_t) 63);
  co->stack = stack;
  co->func = func;
  co->data = data;
  co->describe = describe;
  co->finished = FALSE;
  co->resumer = NULL;
  co->outer = NULL;
#ifdef AIO_ASAN
  co->fake_stack = NULL;
  co->resumer_bottom = NULL;
  co->resumer_size = 0;
#endif
  _aio_switch_prepare (&co->context, stack->lo,
                       (gsize) ((uintptr_t) co - (uintptr_t) stack->lo),
                       coroutine_main, co);
  return co;
}

void
_aio_coroutine_resume (AioCoroutine *co)
{
  AioSwitchContext here;

  g_assert (!co->finished);

  co->resumer = &here;
  co->outer = _aio_ts.current_co;
  _aio_ts.current_co = co;

#ifdef AIO_ASAN
  {
    void *fake = NULL;

    __sanitizer_start_switch_fiber (&fake, co->stack->lo, co->stack->size);
    _aio_switch (&here, &co->context);
    __sanitizer_finish_switch_fiber (fake, NULL, NULL);
  }
#else
  _aio_switch (&here, &co->context);
#endif

  _aio_ts.current_co = co->outer;
}

void
_aio_coroutine_suspend (void)
{
  AioCoroutine *co = _aio_ts.current_co;

  g_assert (co != NULL);
  check_stack_pointer (co);

#ifdef AIO_ASAN
  __sanitizer_start_switch_fiber (&co->fake_stack, co->resumer_bottom, co->resumer_size);
  _aio_switch (&co->context, co->resumer);
  __sanitizer_finish_switch_fiber (co->fake_stack, &co->resumer_bottom, &co->resumer_size);
#else
  _aio_switch (&co->context, co->resumer);
#endif
}

AioCoroutine *
_aio_coroutine_self (void)
{
  return _aio_ts.current_co;
}

gboolean
_aio_coroutine_fault_info (AioStack             **stack,
                           gpointer              *owner,
                           AioStackDescribeFunc  *describe)
{
  AioCoroutine *co = _aio_ts.current_co;

  if (co == NULL)
    return FALSE;
  *stack = co->stack;
  *owner = co->data;
  *describe = co->describe;
  return TRUE;
}

gboolean
_aio_coroutine_finished (AioCoroutine *co)
{
  return co->finished;
}

gsize
_aio_coroutine_stack_size (AioCoroutine *co)
{
  return co->stack->size;
}

gsize
_aio_coroutine_stack_depth (AioCoroutine *co)
{
  return _aio_stack_resident_depth (co->stack);
}

void
_aio_coroutine_free (AioCoroutine *co)
{
  AioStack *stack;

  if (co == NULL)
    return;
  g_assert (co != _aio_ts.current_co);
  stack = co->stack;
  _aio_stack_release (stack);
}
