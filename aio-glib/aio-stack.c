/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if HAVE_VALGRIND
# include <valgrind/memcheck.h>
# include <valgrind/valgrind.h>
#endif

#include "aio-coroutine-private.h"
#include "aio-error.h"
#include "aio-sanitizer-private.h"
#include "aio-stack-private.h"
#include "aio-thread-private.h"

/* Stacks are carved out of large anonymous mappings (arenas) instead of one
 * mmap() each: a mapping per stack, plus its guard, costs two kernel VMAs,
 * and vm.max_map_count (65530 by default) would cap a process near 32k
 * coroutines.  Guard pages are installed with MADV_GUARD_INSTALL (Linux 6.13),
 * which marks page table entries without splitting the VMA.  On older
 * kernels the first MPROTECT_BUDGET stacks get PROT_NONE guards, and later
 * ones rely on the stack pointer check at every switch.
 */

#ifndef MADV_GUARD_INSTALL
# define MADV_GUARD_INSTALL 102
#endif

#define DEFAULT_STACK_SIZE   (128 * 1024)
#define MIN_STACK_SIZE       (16 * 1024)
#define GUARD_SIZE           (16 * 1024)
#define ARENA_SIZE           (64 * 1024 * 1024)
#define MPROTECT_BUDGET      8192
#define THREAD_CACHE_MAX     64
#define GLOBAL_WARM_MAX      256
#define ALTSTACK_SIZE        (64 * 1024)
#define RESERVE_LOW          128
#define RESERVE_HIGH         512

typedef struct
{
  gsize     size;
  AioStack *free;
  guint     n_warm;   /* how many stacks on the free list may hold resident pages */
} SizeClass;

static GMutex         pool_lock;
static SizeClass      classes[16];     /* guarded by pool_lock */
static guint          n_classes;       /* guarded by pool_lock */
static guint8        *arena_pos;       /* guarded by pool_lock */
static guint8        *arena_end;       /* guarded by pool_lock */
static gint           mprotect_budget = MPROTECT_BUDGET;  /* (atomic) */
static AioStack      *reserve;         /* guarded by pool_lock: prepared default-size stacks */
static guint          n_reserve;       /* guarded by pool_lock */
static GCond          reserve_cond;    /* n_reserve fell below RESERVE_LOW */
static gboolean       preparer_started;  /* guarded by pool_lock */
static gboolean       preparer_enabled;  /* decided once, in init_sizes() */
static AioStackGuard  guard_mode;      /* decided once, guarded by pool_lock */
static gboolean       guard_decided;   /* guarded by pool_lock */
static gsize          page_size;
static gsize          default_size;
static gboolean       on_valgrind;     /* decided once, in init_sizes() */

/* This thread's cache of default-size stacks, and what the fault handler
 * needs to know about the running coroutine.
 */
typedef struct
{
  AioStack             *cache;
  guint                 n_cache;
  gpointer              altstack;
  gboolean              prepared;
} ThreadStacks;

static _Thread_local ThreadStacks thread_stacks AIO_TLS_INITIAL_EXEC;

static void thread_stacks_free (gpointer data);
static GPrivate thread_exit_hook = G_PRIVATE_INIT (thread_stacks_free);

static void
init_sizes (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      const char *env = g_getenv ("AIO_STACK_SIZE");
      gsize size = DEFAULT_STACK_SIZE;

      page_size = (gsize) sysconf (_SC_PAGESIZE);
#if HAVE_VALGRIND
      on_valgrind = RUNNING_ON_VALGRIND != 0;
#endif
      preparer_enabled = !on_valgrind && g_strcmp0 (g_getenv ("AIO_STACK_PREPARE"), "0") != 0;
      if (env != NULL && *env != '\0')
        {
          char *end = NULL;
          guint64 parsed = g_ascii_strtoull (env, &end, 10);

          if (end != NULL && (*end == 'k' || *end == 'K'))
            parsed *= 1024;
          else if (end != NULL && (*end == 'm' || *end == 'M'))
            parsed *= 1024 * 1024;
          if (parsed >= MIN_STACK_SIZE && parsed <= G_MAXSIZE / 2)
            size = parsed;
          else
            g_warning ("AIO_STACK_SIZE=%s is not a size between 16k and the address space; using %u bytes",
                       env, (guint) DEFAULT_STACK_SIZE);
        }
      default_size = (size + page_size - 1) & ~(page_size - 1);
      g_once_init_leave (&initialized, 1);
    }
}

gsize
_aio_stack_round_size (gsize size)
{
  init_sizes ();
  if (size == 0)
    return default_size;
  size = MAX (size, MIN_STACK_SIZE);
  return (size + page_size - 1) & ~(page_size - 1);
}

static AioStackGuard
decide_guard_mode (void)
{
  const char *env = g_getenv ("AIO_STACK_GUARD");
  guint8 *probe;
  AioStackGuard mode;

  if (g_strcmp0 (env, "none") == 0)
    return AIO_STACK_GUARD_NONE;
  if (g_strcmp0 (env, "mprotect") == 0)
    return AIO_STACK_GUARD_MPROTECT;

  probe = mmap (NULL, 2 * page_size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (probe == MAP_FAILED)
    return AIO_STACK_GUARD_MPROTECT;
  mode = madvise (probe, page_size, MADV_GUARD_INSTALL) == 0
         ? AIO_STACK_GUARD_MADVISE : AIO_STACK_GUARD_MPROTECT;
  munmap (probe, 2 * page_size);
  return mode;
}

static SizeClass *
size_class_lookup (gsize size)
{
  guint i;

  for (i = 0; i < n_classes; i++)
    if (classes[i].size == size)
      return &classes[i];
  if (n_classes < G_N_ELEMENTS (classes))
    {
      classes[n_classes].size = size;
      return &classes[n_classes++];
    }
  return NULL;
}

/* Under valgrind, a stack is registered (so memcheck knows a switch to it
 * is a stack switch) only while it is lent out: memcheck searches its list
 * of stacks linearly on every unusual stack pointer change, so idle stacks
 * must not be on it.  Idle stacks and unused arena space are also marked
 * inaccessible, because the leak check at exit reads every accessible
 * byte and an arena is tens of megabytes, nearly all untouched; a stack in
 * use is accessible from the top page we write before the first switch
 * down to its stack pointer, as memcheck tracks it.
 */
static inline void
valgrind_lend (AioStack *stack)
{
#if HAVE_VALGRIND
  if (G_UNLIKELY (on_valgrind))
    {
      stack->valgrind_id = VALGRIND_STACK_REGISTER (stack->lo, stack->lo + stack->size);
      VALGRIND_MAKE_MEM_UNDEFINED (stack->lo + stack->size - page_size, page_size);
    }
#endif
}

static inline void
valgrind_reclaim (AioStack *stack)
{
#if HAVE_VALGRIND
  if (G_UNLIKELY (on_valgrind))
    {
      VALGRIND_STACK_DEREGISTER (stack->valgrind_id);
      VALGRIND_MAKE_MEM_NOACCESS (stack->lo, stack->size);
    }
#endif
}

/* Carves a new stack out of the arena, without its guard yet (see
 * install_guard()); called with pool_lock held.
 */
static AioStack *
carve_stack (gsize    size,
             GError **error)
{
  gsize slot = GUARD_SIZE + size;
  AioStack *stack;
  guint8 *base;

  if (!guard_decided)
    {
      guard_mode = decide_guard_mode ();
      guard_decided = TRUE;
    }

  if (arena_pos == NULL || (gsize) (arena_end - arena_pos) < slot)
    {
      gsize arena = MAX ((gsize) ARENA_SIZE, slot);
      guint8 *mem = mmap (NULL, arena, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

      if (mem == MAP_FAILED)
        {
          int saved = errno;

          g_set_error (error, AIO_ERROR, AIO_ERROR_FAILED,
                       "Could not reserve memory for coroutine stacks: %s",
                       g_strerror (saved));
          return NULL;
        }
#if HAVE_VALGRIND
      if (G_UNLIKELY (on_valgrind))
        VALGRIND_MAKE_MEM_NOACCESS (mem, arena);
#endif
      arena_pos = mem;
      arena_end = mem + arena;
    }

  base = arena_pos;
  arena_pos += slot;

  stack = g_new0 (AioStack, 1);
  stack->guard_lo = base;
  stack->lo = base + GUARD_SIZE;
  stack->size = size;
  stack->guard = AIO_STACK_GUARD_NONE;
  return stack;
}

/* A system call, so it runs without pool_lock held. */
static void
install_guard (AioStack *stack)
{
  if (guard_mode == AIO_STACK_GUARD_MADVISE &&
      madvise (stack->guard_lo, GUARD_SIZE, MADV_GUARD_INSTALL) == 0)
    stack->guard = AIO_STACK_GUARD_MADVISE;
  else if (guard_mode != AIO_STACK_GUARD_NONE &&
           g_atomic_int_add (&mprotect_budget, -1) > 0 &&
           mprotect (stack->guard_lo, GUARD_SIZE, PROT_NONE) == 0)
    stack->guard = AIO_STACK_GUARD_MPROTECT;
}

/* The preparer: a fresh stack costs a guard (a system call) and a page
 * fault for its first frames, several microseconds together, most of
 * what starting a coroutine on a new slot costs.  A helper thread does
 * both ahead of time for a reserve of default-size stacks, refilled once
 * it runs low, so a burst of new coroutines mostly takes prepared slots
 * and the rest of it shares the work with that thread.  Not under
 * valgrind, where idle stacks must stay untouched.
 */

static void
prepare_stack (AioStack *stack)
{
  volatile guint8 *top = stack->lo + stack->size - 64;

  install_guard (stack);
  *top = 0;
  stack->dirty = TRUE;
}

static gpointer
preparer_main (gpointer data)
{
  g_mutex_lock (&pool_lock);
  for (;;)
    {
      while (n_reserve >= RESERVE_LOW)
        g_cond_wait (&reserve_cond, &pool_lock);
      while (n_reserve < RESERVE_HIGH)
        {
          AioStack *stack = carve_stack (default_size, NULL);

          if (stack == NULL)
            break;
          g_mutex_unlock (&pool_lock);
          prepare_stack (stack);
          g_mutex_lock (&pool_lock);
          stack->next = reserve;
          reserve = stack;
          n_reserve++;
        }
      if (n_reserve < RESERVE_LOW)
        {
          /* Out of address space: leave it to the callers, which report it. */
          g_mutex_unlock (&pool_lock);
          return NULL;
        }
    }
  return NULL;
}

/* Called with pool_lock held, when the reserve runs low. */
static void
wake_preparer (void)
{
  if (!preparer_enabled)
    return;
  if (!preparer_started)
    {
      GThread *thread;

      preparer_started = TRUE;
      thread = g_thread_try_new ("aio-stacks", preparer_main, NULL, NULL);
      if (thread == NULL)
        preparer_enabled = FALSE;
      else
        g_thread_unref (thread);
      return;
    }
  g_cond_signal (&reserve_cond);
}

AioStack *
_aio_stack_acquire (gsize    size,
                    GError **error)
{
  ThreadStacks *ts = &thread_stacks;
  AioStack *stack = NULL;
  SizeClass *klass;
  gboolean fresh = FALSE;

  size = _aio_stack_round_size (size);

  if (size == default_size && ts->cache != NULL)
    {
      stack = ts->cache;
      ts->cache = stack->next;
      ts->n_cache--;
      stack->next = NULL;
      valgrind_lend (stack);
      return stack;
    }

  g_mutex_lock (&pool_lock);
  klass = size_class_lookup (size);
  if (klass != NULL && klass->free != NULL)
    {
      stack = klass->free;
      klass->free = stack->next;
      if (stack->dirty && klass->n_warm > 0)
        klass->n_warm--;
      stack->next = NULL;
    }
  else if (size == default_size && reserve != NULL)
    {
      stack = reserve;
      reserve = stack->next;
      stack->next = NULL;
      if (--n_reserve == RESERVE_LOW - 1)
        wake_preparer ();
    }
  else
    {
      fresh = TRUE;
      stack = carve_stack (size, error);
      if (stack != NULL && size == default_size)
        wake_preparer ();
    }
  g_mutex_unlock (&pool_lock);

  if (stack == NULL)
    return NULL;
  if (fresh)
    install_guard (stack);
  valgrind_lend (stack);
  return stack;
}

void
_aio_stack_release (AioStack *stack)
{
  ThreadStacks *ts = &thread_stacks;
  SizeClass *klass;

#ifdef AIO_ASAN
  /* Frames of the previous coroutine leave poisoned redzones behind. */
  ASAN_UNPOISON_MEMORY_REGION (stack->lo, stack->size);
#endif
  valgrind_reclaim (stack);
  stack->dirty = TRUE;

  if (stack->size == default_size && ts->n_cache < THREAD_CACHE_MAX)
    {
      if (!ts->prepared)
        _aio_stack_prepare_thread ();
      stack->next = ts->cache;
      ts->cache = stack;
      ts->n_cache++;
      return;
    }

  g_mutex_lock (&pool_lock);
  klass = size_class_lookup (stack->size);
  if (klass == NULL || klass->n_warm >= GLOBAL_WARM_MAX)
    {
      /* Hand the pages back; the next user faults in only what it touches. */
      madvise (stack->lo, stack->size, MADV_DONTNEED);
      stack->dirty = FALSE;
    }
  else
    klass->n_warm++;

  if (klass != NULL)
    {
      stack->next = klass->free;
      klass->free = stack;
    }
  else
    {
      /* More distinct sizes than classes: keep the slot reserved but idle.
       * A later request of the same size cannot find it, which only costs
       * address space.
       */
      g_debug ("aio: dropping a %" G_GSIZE_FORMAT "-byte stack, too many stack sizes in use",
               stack->size);
      g_free (stack);
    }
  g_mutex_unlock (&pool_lock);
}

void
_aio_stack_forget_pages (AioStack *stack)
{
  /* A transparent huge page would make the whole stack resident at the
   * first touch, whatever its depth. */
  madvise (stack->lo, stack->size, MADV_NOHUGEPAGE);
  if (stack->dirty)
    madvise (stack->lo, stack->size, MADV_DONTNEED);
}

gsize
_aio_stack_resident_depth (AioStack *stack)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize n_pages = stack->size / page;
  /* Small: this runs on the coroutine's own stack, maybe nearly full. */
  unsigned char resident[64];

  for (gsize first = 0; first < n_pages; first += sizeof resident)
    {
      gsize n = MIN (sizeof resident, n_pages - first);

      if (mincore (stack->lo + first * page, n * page, resident) != 0)
        return 0;
      for (gsize i = 0; i < n; i++)
        if (resident[i] & 1)
          return stack->size - (first + i) * page;
    }
  return 0;
}

static void
thread_stacks_free (gpointer data)
{
  ThreadStacks *ts = &thread_stacks;
  stack_t disable = { .ss_flags = SS_DISABLE };

  while (ts->cache != NULL)
    {
      AioStack *stack = ts->cache;

      ts->cache = stack->next;
      ts->n_cache--;
      stack->next = NULL;
      /* Not the thread cache any more: goes to the shared pool. */
      g_mutex_lock (&pool_lock);
      {
        SizeClass *klass = size_class_lookup (stack->size);

        madvise (stack->lo, stack->size, MADV_DONTNEED);
        stack->dirty = FALSE;
        if (klass != NULL)
          {
            stack->next = klass->free;
            klass->free = stack;
          }
        else
          g_free (stack);
      }
      g_mutex_unlock (&pool_lock);
    }

  if (ts->altstack != NULL)
    {
      stack_t current;

      if (sigaltstack (NULL, &current) == 0 && current.ss_sp == ts->altstack)
        sigaltstack (&disable, NULL);
      g_free (ts->altstack);
      ts->altstack = NULL;
    }
  ts->prepared = FALSE;
}

/* Crash reporting.  Everything below runs inside a SIGSEGV handler, so it
 * only uses async-signal-safe calls.
 */

static struct sigaction previous_segv;
static struct sigaction previous_bus;

static void
write_all (const char *text)
{
  gsize len = strlen (text);

  while (len > 0)
    {
      ssize_t n = write (STDERR_FILENO, text, len);

      if (n <= 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          return;
        }
      text += n;
      len -= (gsize) n;
    }
}

static void
format_size (char  *buf,
             gsize  len,
             gsize  value)
{
  char digits[32];
  gsize n = 0, i;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0 && n < sizeof digits);

  for (i = 0; i < n && i + 1 < len; i++)
    buf[i] = digits[n - 1 - i];
  buf[MIN (n, len - 1)] = '\0';
}

void
_aio_stack_overflow (AioStack             *stack,
                     gpointer              owner,
                     AioStackDescribeFunc  describe)
{
  char name[256] = "an unnamed coroutine";
  char size[32];

  if (describe != NULL)
    describe (owner, name, sizeof name);
  format_size (size, sizeof size, stack->size);

  write_all ("aio-glib: stack overflow in task '");
  write_all (name);
  write_all ("': it used all of its ");
  write_all (size);
  write_all ("-byte stack. Give it a larger one with aio_task_set_stack_size()"
             " or set AIO_STACK_SIZE.\n");
  signal (SIGABRT, SIG_DFL);
  abort ();
}

static void
chain_to_previous (const struct sigaction *previous,
                   int                     signo,
                   siginfo_t              *info,
                   void                   *ucontext)
{
  if ((previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction != NULL)
    previous->sa_sigaction (signo, info, ucontext);
  else if (previous->sa_handler == SIG_IGN)
    return;
  else if (previous->sa_handler != SIG_DFL && previous->sa_handler != NULL)
    previous->sa_handler (signo);
  else
    {
      /* Default action: let the fault happen again without us. */
      sigaction (signo, previous, NULL);
    }
}

static void
fault_handler (int        signo,
               siginfo_t *info,
               void      *ucontext)
{
  AioStack *stack = NULL;
  gpointer owner = NULL;
  AioStackDescribeFunc describe = NULL;
  int saved_errno = errno;

  if (info != NULL && _aio_coroutine_fault_info (&stack, &owner, &describe))
    {
      guint8 *addr = info->si_addr;

      /* A fault in the guard, or just below the stack when it has none. */
      if (addr >= stack->guard_lo - GUARD_SIZE && addr < stack->lo)
        _aio_stack_overflow (stack, owner, describe);
    }

  errno = saved_errno;
  chain_to_previous (signo == SIGBUS ? &previous_bus : &previous_segv,
                     signo, info, ucontext);
}

static void
install_fault_handler (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      struct sigaction action;

      memset (&action, 0, sizeof action);
      action.sa_sigaction = fault_handler;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
      sigemptyset (&action.sa_mask);
      sigaction (SIGSEGV, &action, &previous_segv);
      sigaction (SIGBUS, &action, &previous_bus);
      g_once_init_leave (&installed, 1);
    }
}

void
_aio_stack_prepare_thread (void)
{
  ThreadStacks *ts = &thread_stacks;
  stack_t current;

  if (ts->prepared)
    return;
  ts->prepared = TRUE;
  init_sizes ();
  install_fault_handler ();

  /* A handler for a stack overflow cannot run on the overflowed stack. */
  if (sigaltstack (NULL, &current) == 0 && (current.ss_flags & SS_DISABLE))
    {
      stack_t alt = { 0, };

      ts->altstack = g_malloc (ALTSTACK_SIZE);
      alt.ss_sp = ts->altstack;
      alt.ss_size = ALTSTACK_SIZE;
      if (sigaltstack (&alt, NULL) != 0)
        g_clear_pointer (&ts->altstack, g_free);
    }
  g_private_set (&thread_exit_hook, ts);
}
