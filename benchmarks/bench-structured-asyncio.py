#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Gather and TaskGroup over many tasks, for Python event loops.

The counterpart of bench-structured.c, printing the same RESULT lines:

  gather      await gather(*(child(i) for i in range(n)))        ns/task
  task_group  async with TaskGroup() as g: g.create_task(child(i))
                                                                  ns/task

Each child returns at once; a round's wall time, freeing the results
included, is divided by the number of tasks; `cpu=` is the same on the
thread's CPU clock, which a busy machine disturbs less.  Needs Python 3.11 or later
(TaskGroup); run it with Debian's /usr/bin/python3.
"""

import argparse
import asyncio
import statistics
import sys
import time

WARMUP_COUNT = 10000


def result_rounds(name, unit, values, cpu_values):
    print("RESULT name=%s unit=%s value=%.3f median=%.1f rounds=%d cpu=%.3f cpu_median=%.1f"
          % (name, unit, min(values), statistics.median(values), len(values),
             min(cpu_values), statistics.median(cpu_values)),
          flush=True)


async def child(value):
    return value


async def gather_round(count):
    results = await asyncio.gather(*(child(i & 0xffff) for i in range(count)))
    if len(results) != count or results[-1] != (count - 1) & 0xffff:
        raise RuntimeError("wrong gather results")
    del results


async def task_group_round(count):
    async with asyncio.TaskGroup() as group:
        for i in range(count):
            group.create_task(child(i & 0xffff))


async def run_rounds(name, round_func, args):
    await round_func(WARMUP_COUNT)
    rounds, cpu_rounds = [], []
    for _ in range(args.rounds):
        start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
        await round_func(args.count)
        cpu_rounds.append((time.thread_time_ns() - cpu_start) / args.count)
        rounds.append((time.perf_counter_ns() - start) / args.count)
    result_rounds(name, "ns/task", rounds, cpu_rounds)


async def run(args):
    if args.workload in ("gather", "all"):
        await run_rounds("gather", gather_round, args)
    if args.workload in ("task_group", "all"):
        await run_rounds("task_group", task_group_round, args)


def make_loop(name):
    if name == "asyncio":
        return asyncio.new_event_loop()
    if name == "uvloop":
        try:
            import uvloop
        except ImportError:
            print("uvloop is not installed", file=sys.stderr, flush=True)
            sys.exit(77)
        return uvloop.new_event_loop()
    raise SystemExit("unknown loop %r" % name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", nargs="?", default="all",
                        choices=["gather", "task_group", "all"])
    parser.add_argument("--loop", default="asyncio",
                        help="asyncio (the default loop) or uvloop")
    parser.add_argument("-n", "--count", type=int, default=100000,
                        help="tasks per round")
    parser.add_argument("-r", "--rounds", type=int, default=3,
                        help="timed rounds; the best is reported")
    args = parser.parse_args()
    if args.count <= 0 or args.rounds <= 0:
        parser.error("--count and --rounds must be positive")
    if sys.version_info < (3, 11):
        raise SystemExit("TaskGroup needs Python 3.11 or later")

    loop = make_loop(args.loop)
    try:
        loop.run_until_complete(run(args))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
