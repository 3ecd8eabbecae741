/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Tests the stack switch on its own, without GLib, so the same file checks
 * the native backend in the test suite and other CPUs' assembly under
 * qemu (tools/check-switch-cross).  Prints TAP.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aio-switch-private.h"

#define STACK_SIZE (256 * 1024)

static AioSwitchContext main_context;
static AioSwitchContext co_context;
static int tap_count;
static int tap_failed;

static void
tap (int         ok,
     const char *what)
{
  tap_count++;
  if (!ok)
    tap_failed = 1;
  printf ("%s %d - %s\n", ok ? "ok" : "not ok", tap_count, what);
}

/* Keeps values live in callee-saved registers across a switch. */
static volatile long sink;

static __attribute__((noinline)) long
churn_registers (long seed)
{
  long a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11, e = seed * 13, f = seed * 17;
  double x = seed * 0.5, y = seed * 0.25, z = seed * 0.125;

  _aio_switch (&co_context, &main_context);
  sink = a + b + c + d + e + f;
  return (a ^ b ^ c ^ d ^ e ^ f) + (long) (x + y + z);
}

static __attribute__((noinline)) int
recurse (int depth)
{
  volatile int pad[64];

  pad[0] = depth;
  if (depth == 0)
    {
      _aio_switch (&co_context, &main_context);
      return pad[0];
    }
  return recurse (depth - 1) + pad[0] - depth;
}

static int aligned_ok;
static long churn_result;
static int recurse_result;
static long round_trips;

static void
coroutine_entry (void *arg)
{
  _Alignas (16) char probe[16];
  long i;

  aligned_ok = ((uintptr_t) probe % 16) == 0 && arg == (void *) &main_context;

  churn_result = churn_registers (1000);
  recurse_result = recurse (200);
  for (i = 0; ; i++)
    {
      round_trips = i;
      _aio_switch (&co_context, &main_context);
    }
}

int
main (void)
{
  void *stack = malloc (STACK_SIZE);
  long a = 101, b = 202, c = 303, d = 404, e = 505, f = 606;
  double x = 1.5, y = 2.5, z = 3.5;
  long expected = (3000L ^ 5000L ^ 7000L ^ 11000L ^ 13000L ^ 17000L) + (long) (500.0 + 250.0 + 125.0);
  int i;

  printf ("TAP version 13\n");

  _aio_switch_prepare (&co_context, stack, STACK_SIZE, coroutine_entry, &main_context);

  /* Into churn_registers, which suspends with its values in registers. */
  _aio_switch (&main_context, &co_context);
  tap (aligned_ok, "entry gets its argument and a 16-byte aligned stack");

  /* Back into it: it must find its registers intact. */
  _aio_switch (&main_context, &co_context);
  tap (churn_result == expected, "callee-saved integer and FP registers survive a switch");

  /* Now suspended at the bottom of a deep recursion. */
  _aio_switch (&main_context, &co_context);
  tap (recurse_result == 0, "deep recursion on the coroutine stack unwinds correctly");

  for (i = 0; i < 100000; i++)
    _aio_switch (&main_context, &co_context);
  tap (round_trips == 100000, "100,000 round trips");
  tap (a == 101 && b == 202 && c == 303 && d == 404 && e == 505 && f == 606 &&
       x == 1.5 && y == 2.5 && z == 3.5, "the caller's locals survive every switch");

  printf ("1..%d\n", tap_count);
  free (stack);
  return tap_failed;
}
