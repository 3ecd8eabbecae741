/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>

#include "aio-switch-private.h"

/* Implemented in aio-switch-<cpu>.S. */
extern void aio_switch_context (void **save_sp, void *load_sp) AIO_SWITCH_INTERNAL;
extern void aio_switch_trampoline (void) AIO_SWITCH_INTERNAL;

void
_aio_switch (AioSwitchContext *from,
             AioSwitchContext *to)
{
  aio_switch_context (&from->sp, to->sp);
}

#if defined(__x86_64__)

/* The frame aio_switch_context() pops, lowest address first: r15, r14,
 * r13, r12, rbx, rbp, then the return address.  The trampoline finds the
 * argument in r12 and the entry point in r13; the return address slot sits
 * just below a 16-byte boundary, so the trampoline's call is aligned.
 */
void
_aio_switch_prepare (AioSwitchContext *ctx,
                     void             *stack_lo,
                     size_t            stack_size,
                     AioSwitchEntry    entry,
                     void             *arg)
{
  uintptr_t top = ((uintptr_t) stack_lo + stack_size) & ~(uintptr_t) 15;
  uint64_t *frame = (uint64_t *) (top - 56);

  frame[0] = 0;                                   /* r15 */
  frame[1] = 0;                                   /* r14 */
  frame[2] = (uintptr_t) entry;                   /* r13 */
  frame[3] = (uintptr_t) arg;                     /* r12 */
  frame[4] = 0;                                   /* rbx */
  frame[5] = 0;                                   /* rbp: ends backtraces */
  frame[6] = (uintptr_t) aio_switch_trampoline;   /* return address */
  ctx->sp = frame;
}

#elif defined(__aarch64__)

/* The frame aio_switch_context() pops: x19..x30 then d8..d15.  The
 * trampoline finds the argument in x19 and the entry point in x20.
 */
void
_aio_switch_prepare (AioSwitchContext *ctx,
                     void             *stack_lo,
                     size_t            stack_size,
                     AioSwitchEntry    entry,
                     void             *arg)
{
  uintptr_t top = ((uintptr_t) stack_lo + stack_size) & ~(uintptr_t) 15;
  uint64_t *frame = (uint64_t *) (top - 160);
  int i;

  for (i = 0; i < 20; i++)
    frame[i] = 0;
  frame[0] = (uintptr_t) arg;                     /* x19 */
  frame[1] = (uintptr_t) entry;                   /* x20 */
  frame[10] = 0;                                  /* x29: ends backtraces */
  frame[11] = (uintptr_t) aio_switch_trampoline;  /* x30 */
  ctx->sp = frame;
}

#else
# error "No assembly context switch for this CPU; configure with -Dcoroutine_backend=ucontext"
#endif
