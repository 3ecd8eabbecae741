/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The stack switch is plain C and assembly with no GLib in it, so it can be
 * built and tested on its own, including for other CPUs under qemu.
 */

#include <stddef.h>

#ifndef AIO_SWITCH_STANDALONE
# include "config.h"
#endif

#if AIO_SWITCH_UCONTEXT
# include <setjmp.h>
# include <ucontext.h>
#endif

#define AIO_SWITCH_INTERNAL __attribute__((visibility ("hidden")))

#ifdef __cplusplus
extern "C" {
#endif

/* A saved execution context: where a suspended stack continues.
 *
 * The assembly backends keep only the stack pointer: every callee-saved
 * register is pushed on the suspended stack itself.  The ucontext backend
 * enters a fresh stack once through makecontext()/setcontext() and then
 * switches with _setjmp()/_longjmp(), which do not touch the signal mask, so
 * no switch after the first one makes a system call.
 */
typedef struct
{
#if AIO_SWITCH_UCONTEXT
  jmp_buf    jump;
  ucontext_t start;   /* only read for the first switch into a fresh stack */
  int        fresh;
#else
  void      *sp;
#endif
} AioSwitchContext;

typedef void (*AioSwitchEntry) (void *arg);

/* Prepares @ctx so that the first switch to it calls @entry (@arg) on the
 * stack [@stack_lo, @stack_lo + @stack_size).  @entry must never return.
 */
AIO_SWITCH_INTERNAL
void _aio_switch_prepare (AioSwitchContext *ctx,
                          void             *stack_lo,
                          size_t            stack_size,
                          AioSwitchEntry    entry,
                          void             *arg);

/* Saves the current context into @from and continues @to. */
AIO_SWITCH_INTERNAL
void _aio_switch (AioSwitchContext *from,
                  AioSwitchContext *to);

#ifdef __cplusplus
}
#endif
