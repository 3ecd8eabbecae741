/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <glib.h>

#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#include "bench-common.h"

/* Reference anchors for the ping-pong row, without aio-glib: how much a
 * hop costs when control passes
 *
 *  - by a bare register switch (six callee-saved registers and the stack
 *    pointer; x86-64 only), the floor of any stackful coroutine;
 *  - by swapcontext(), which also saves the signal mask with a syscall;
 *  - through a GMainContext, one iteration per hop: an idle source added
 *    per hop (plain GLib callback code), or two long-lived sources waking
 *    each other with g_source_set_ready_time().
 *
 * A hop is one transfer of control from one side to the other.
 */

#define STACK_BYTES (64 * 1024)

static gint64 hops_target;
static gint64 hops_done;

#if defined(__x86_64__)

/* Saves the callee-saved registers on the current stack, stores the stack
 * pointer in *save and continues on load's stack.
 */
void ref_switch (void **save, void *load) __attribute__ ((visibility ("hidden")));

__asm__ (
  ".text\n"
  ".globl ref_switch\n"
  ".hidden ref_switch\n"
  ".type ref_switch, @function\n"
  ".p2align 4\n"
  "ref_switch:\n"
  "  pushq %rbp\n"
  "  pushq %rbx\n"
  "  pushq %r12\n"
  "  pushq %r13\n"
  "  pushq %r14\n"
  "  pushq %r15\n"
  "  movq %rsp, (%rdi)\n"
  "  movq %rsi, %rsp\n"
  "  popq %r15\n"
  "  popq %r14\n"
  "  popq %r13\n"
  "  popq %r12\n"
  "  popq %rbx\n"
  "  popq %rbp\n"
  "  ret\n"
  ".size ref_switch, .-ref_switch\n");

static void *main_sp;
static void *side_sp;

static void G_GNUC_NORETURN
switch_side_entry (void)
{
  for (;;)
    {
      hops_done++;
      ref_switch (&side_sp, main_sp);
    }
}

static BenchSample
run_asm_switch (gint64 hops)
{
  guint8 *stack = g_malloc (STACK_BYTES);
  uintptr_t top = ((uintptr_t) stack + STACK_BYTES) & ~(uintptr_t) 15;
  uint64_t *frame = (uint64_t *) (top - 64);
  BenchClock clock;
  BenchSample per_hop;
  gint64 i;

  /* What ref_switch() pops: six registers, then the return address.  The
   * entry function then starts with the stack aligned as after a call.
   */
  memset (frame, 0, 64);
  frame[6] = (uintptr_t) switch_side_entry;
  side_sp = frame;

  hops_done = 0;
  bench_clock_start (&clock);
  for (i = 0; i < hops / 2; i++)
    ref_switch (&main_sp, side_sp);
  per_hop = bench_clock_sample (&clock, hops / 2 * 2);

  g_assert_cmpint (hops_done, ==, hops / 2);
  g_free (stack);
  return per_hop;
}

#endif

static ucontext_t main_context_uc;
static ucontext_t side_context_uc;

static void
swapcontext_side_entry (void)
{
  for (;;)
    {
      hops_done++;
      swapcontext (&side_context_uc, &main_context_uc);
    }
}

static BenchSample
run_swapcontext (gint64 hops)
{
  guint8 *stack = g_malloc (STACK_BYTES);
  BenchClock clock;
  BenchSample per_hop;
  gint64 i;

  getcontext (&side_context_uc);
  side_context_uc.uc_stack.ss_sp = stack;
  side_context_uc.uc_stack.ss_size = STACK_BYTES;
  side_context_uc.uc_link = NULL;
  makecontext (&side_context_uc, swapcontext_side_entry, 0);

  hops_done = 0;
  bench_clock_start (&clock);
  for (i = 0; i < hops / 2; i++)
    swapcontext (&main_context_uc, &side_context_uc);
  per_hop = bench_clock_sample (&clock, hops / 2 * 2);

  g_assert_cmpint (hops_done, ==, hops / 2);
  g_free (stack);
  return per_hop;
}

static GMainContext *gmain_context;
static GMainLoop *gmain_loop;

static gboolean
idle_hop_cb (gpointer user_data)
{
  hops_done++;
  if (hops_done < hops_target)
    {
      GSource *next = g_idle_source_new ();

      g_source_set_callback (next, idle_hop_cb, NULL, NULL);
      g_source_attach (next, gmain_context);
      g_source_unref (next);
    }
  else
    g_main_loop_quit (gmain_loop);
  return G_SOURCE_REMOVE;
}

static BenchSample
run_gmain_idle (gint64 hops)
{
  GSource *first = g_idle_source_new ();
  BenchClock clock;

  hops_done = 0;
  hops_target = hops;
  bench_clock_start (&clock);
  g_source_set_callback (first, idle_hop_cb, NULL, NULL);
  g_source_attach (first, gmain_context);
  g_source_unref (first);
  g_main_loop_run (gmain_loop);
  return bench_clock_sample (&clock, hops);
}

static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = {
  NULL, NULL, ready_time_dispatch, NULL, NULL, NULL,
};

static GSource *ready_sources[2];

static gboolean
ready_time_hop_cb (gpointer user_data)
{
  guint me = GPOINTER_TO_UINT (user_data);

  hops_done++;
  g_source_set_ready_time (ready_sources[me], -1);
  if (hops_done < hops_target)
    g_source_set_ready_time (ready_sources[1 - me], 0);
  else
    g_main_loop_quit (gmain_loop);
  return G_SOURCE_CONTINUE;
}

static BenchSample
run_gsource_ready_time (gint64 hops)
{
  BenchClock clock;
  BenchSample per_hop;
  guint i;

  for (i = 0; i < 2; i++)
    {
      ready_sources[i] = g_source_new (&ready_time_funcs, sizeof (GSource));
      g_source_set_callback (ready_sources[i], ready_time_hop_cb,
                             GUINT_TO_POINTER (i), NULL);
      g_source_attach (ready_sources[i], gmain_context);
    }

  hops_done = 0;
  hops_target = hops;
  bench_clock_start (&clock);
  g_source_set_ready_time (ready_sources[0], 0);
  g_main_loop_run (gmain_loop);
  per_hop = bench_clock_sample (&clock, hops);

  for (i = 0; i < 2; i++)
    {
      g_source_destroy (ready_sources[i]);
      g_clear_pointer (&ready_sources[i], g_source_unref);
    }
  return per_hop;
}

typedef BenchSample (*RunFunc) (gint64 hops);

static void
measure (const char   *name,
         RunFunc       run,
         gint64        hops,
         BenchOptions *options)
{
  BenchRounds rounds;
  gint i;

  bench_rounds_init (&rounds);
  run (MIN (hops, 10000));
  for (i = 0; i < options->rounds; i++)
    bench_rounds_add_sample (&rounds, run (hops));
  bench_result_rounds (name, "ns/hop", &rounds);
  bench_rounds_clear (&rounds);
}

int
main (int    argc,
      char **argv)
{
  BenchOptions options;
  gint64 slow_hops;

  bench_init (&argc, &argv,
              "Reference ping-pongs: register switch, swapcontext, GMainContext.",
              1000000, 3, NULL, &options);
  /* The main-loop rows cost several times more per hop: fewer hops keep
   * the run short without changing the per-hop figure.
   */
  slow_hops = MAX (options.count / 5, 2);

  gmain_context = g_main_context_new ();
  gmain_loop = g_main_loop_new (gmain_context, FALSE);

#if defined(__x86_64__)
  /* A few nanoseconds per hop: more hops for a measurable round. */
  measure ("ref_asm_switch", run_asm_switch, MAX (options.count * 10, 2),
           &options);
#else
  g_print ("SKIP ref_asm_switch: the reference program has no register "
           "switch for this CPU\n");
#endif
  measure ("ref_swapcontext", run_swapcontext, options.count, &options);
  measure ("ref_gmain_idle", run_gmain_idle, slow_hops, &options);
  measure ("ref_gsource_ready_time", run_gsource_ready_time, slow_hops, &options);

  g_main_loop_unref (gmain_loop);
  g_main_context_unref (gmain_context);
  return 0;
}
