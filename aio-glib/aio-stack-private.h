/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the pages below a stack catch an overflow. */
typedef enum
{
  AIO_STACK_GUARD_NONE,      /* no guard: the stack pointer is checked at each switch */
  AIO_STACK_GUARD_MADVISE,   /* MADV_GUARD_INSTALL: faults, costs no VMA */
  AIO_STACK_GUARD_MPROTECT,  /* PROT_NONE: faults, costs two VMAs per stack */
} AioStackGuard;

/* One coroutine stack.  The descriptor lives on the heap so that an idle
 * stack can hand all of its pages back to the kernel.
 */
typedef struct _AioStack AioStack;
struct _AioStack
{
  AioStack      *next;        /* free list link, owned by whichever pool holds it */
  guint8        *lo;          /* lowest usable byte */
  gsize          size;        /* usable bytes, a multiple of the page size */
  guint8        *guard_lo;    /* first guard byte; == lo when unguarded */
  AioStackGuard  guard;
  guint          valgrind_id;
  gboolean       dirty;       /* pages may be resident */
};

gsize     _aio_stack_round_size       (gsize     size) G_GNUC_INTERNAL;
AioStack *_aio_stack_acquire          (gsize     size,
                                       GError  **error) G_GNUC_INTERNAL;
void      _aio_stack_release          (AioStack *stack) G_GNUC_INTERNAL;

/* Debug mode's measure of stack depth: forgetting the pages a previous
 * user left resident, then finding the lowest page resident since.
 */
void      _aio_stack_forget_pages     (AioStack *stack) G_GNUC_INTERNAL;
gsize     _aio_stack_resident_depth   (AioStack *stack) G_GNUC_INTERNAL;

/* Describes the coroutine a crash report is about; must be async-signal-safe
 * (no allocation, no locks).  Writes at most @len - 1 bytes and a NUL.
 */
typedef void (*AioStackDescribeFunc) (gpointer owner,
                                      char    *buf,
                                      gsize    len);

/* Reports an overflow of the current coroutine stack and aborts. */
void      _aio_stack_overflow         (AioStack             *stack,
                                       gpointer              owner,
                                       AioStackDescribeFunc  describe) G_GNUC_NORETURN G_GNUC_INTERNAL;

/* Installs the SIGSEGV reporter and this thread's alternate signal stack. */
void      _aio_stack_prepare_thread   (void) G_GNUC_INTERNAL;

G_END_DECLS
