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
  gboolean              handed_over;      /* entered from another coroutine, which set the above */
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

/* ASan learns where the resumer's stack is from the switch into a
 * coroutine, unless the switch came from another coroutine handing over
 * its resumer (_aio_coroutine_transfer()), which says so itself.
 */
static inline void
asan_switched_in (AioCoroutine *co)
{
#ifdef AIO_ASAN
  const void *bottom = NULL;
  gsize size = 0;

  __sanitizer_finish_switch_fiber (co->fake_stack, &bottom, &size);
  if (co->handed_over)
    co->handed_over = FALSE;
  else
    {
      co->resumer_bottom = bottom;
      co->resumer_size = size;
    }
#else
  (void) co;
#endif
}

static void
coroutine_main (void *arg)
{
  AioCoroutine *co = arg;

  asan_switched_in (co);

  co->func (co->data);
  co->finished = TRUE;

  /* A dying stack: ASan may drop its fake stack. */
#ifdef AIO_ASAN
  __sanitizer_start_switch_fiber (NULL, co->resumer_bottom, co->resumer_size);
#endif
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
  co->handed_over = FALSE;
#endif
  _aio_switch_prepare (&co->context, stack->lo,
                       (gsize) ((uintptr_t) co - (uintptr_t) stack->lo),
                       coroutine_main, co);
  return co;
}

AioCoroutine *
_aio_coroutine_resume (AioCoroutine *co)
{
  AioSwitchContext here;
  AioCoroutine *back;

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

  /* @co, or a coroutine it handed over to. */
  back = _aio_ts.current_co;
  _aio_ts.current_co = back->outer;
  return back;
}

void
_aio_coroutine_suspend (void)
{
  AioCoroutine *co = _aio_ts.current_co;

  g_assert (co != NULL);
  check_stack_pointer (co);

#ifdef AIO_ASAN
  __sanitizer_start_switch_fiber (&co->fake_stack, co->resumer_bottom, co->resumer_size);
#endif
  _aio_switch (&co->context, co->resumer);
  asan_switched_in (co);
}

void
_aio_coroutine_transfer (AioCoroutine *to)
{
  AioCoroutine *co = _aio_ts.current_co;

  g_assert (co != NULL && to != co && !to->finished);
  check_stack_pointer (co);

  to->resumer = co->resumer;
  to->outer = co->outer;
  _aio_ts.current_co = to;
#ifdef AIO_ASAN
  to->resumer_bottom = co->resumer_bottom;
  to->resumer_size = co->resumer_size;
  to->handed_over = TRUE;
  __sanitizer_start_switch_fiber (&co->fake_stack, to->stack->lo, to->stack->size);
#endif
  _aio_switch (&co->context, &to->context);
  asan_switched_in (co);
}

gpointer
_aio_coroutine_get_data (AioCoroutine *co)
{
  return co->data;
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
