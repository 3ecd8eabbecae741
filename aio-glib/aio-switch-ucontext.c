/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* _FORTIFY_SOURCE turns longjmp into __longjmp_chk, which aborts when the
 * target frame is below the current one; between coroutine stacks that is
 * the normal case, not a bug.
 */
#undef _FORTIFY_SOURCE

#include <stdint.h>
#include <stdlib.h>

#include "aio-switch-private.h"

typedef struct
{
  AioSwitchEntry entry;
  void          *arg;
} StartData;

/* makecontext() passes int arguments only, so the pointer travels in two
 * halves.
 */
static void
start_trampoline (unsigned int hi,
                  unsigned int lo)
{
  StartData *start = (StartData *) (((uintptr_t) hi << 32) | (uintptr_t) lo);

  start->entry (start->arg);
  abort ();
}

void
_aio_switch_prepare (AioSwitchContext *ctx,
                     void             *stack_lo,
                     size_t            stack_size,
                     AioSwitchEntry    entry,
                     void             *arg)
{
  uintptr_t top = ((uintptr_t) stack_lo + stack_size) & ~(uintptr_t) 15;
  StartData *start;
  uintptr_t bits;

  /* The start data lives at the top of the new stack, above the frames. */
  top -= 32;
  start = (StartData *) top;
  start->entry = entry;
  start->arg = arg;
  bits = (uintptr_t) start;

  getcontext (&ctx->start);
  ctx->start.uc_stack.ss_sp = stack_lo;
  ctx->start.uc_stack.ss_size = top - (uintptr_t) stack_lo;
  ctx->start.uc_link = NULL;
  makecontext (&ctx->start, (void (*) (void)) start_trampoline, 2,
               (unsigned int) (bits >> 32), (unsigned int) (bits & 0xffffffffu));
  ctx->fresh = 1;
}

void
_aio_switch (AioSwitchContext *from,
             AioSwitchContext *to)
{
  /* A context saved here is resumed with _longjmp(), however it began. */
  from->fresh = 0;
  if (_setjmp (from->jump) != 0)
    return;

  if (to->fresh)
    {
      to->fresh = 0;
      setcontext (&to->start);
      abort ();
    }

  _longjmp (to->jump, 1);
}
