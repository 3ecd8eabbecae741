/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "config.h"

#include <glib.h>

#if AIO_SWITCH_UCONTEXT
# include <setjmp.h>
# include <ucontext.h>
#endif

G_BEGIN_DECLS

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
  gboolean   fresh;
#else
  void      *sp;
#endif
} AioSwitchContext;

typedef void (*AioSwitchEntry) (void *arg);

/* Prepares @ctx so that the first switch to it calls @entry (@arg) on the
 * stack [@stack_lo, @stack_lo + @stack_size).  @entry must never return.
 */
void _aio_switch_prepare (AioSwitchContext *ctx,
                          void             *stack_lo,
                          gsize             stack_size,
                          AioSwitchEntry    entry,
                          void             *arg) G_GNUC_INTERNAL;

/* Saves the current context into @from and continues @to. */
void _aio_switch (AioSwitchContext *from,
                  AioSwitchContext *to) G_GNUC_INTERNAL;

G_END_DECLS
