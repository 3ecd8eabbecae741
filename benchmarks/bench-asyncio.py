#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The core benchmark workloads for Python event loops.

Mirrors the C programs next to it, printing the same RESULT lines, so that
benchmarks/run can put aio-glib, asyncio and uvloop side by side:

  spawn      create_task() + await, one after another          ns/task
  pingpong   two tasks hop through fresh futures                ns/hop
  readiness  pipe ping-pong through loop.add_reader(), with and
             without --idle idle eventfds watched               ns/hop, ratio
  memory     --count tasks suspended on one gate future         B/task
  queue      one producer, one consumer, Queue(maxsize=100)    ns/item
  lock       two tasks hand a Lock to each other               ns/acquire
  generator  `async for` over an async generator               ns/value

Run with the interpreter that has the loop installed (Debian's
/usr/bin/python3 for python3-uvloop).
"""

import argparse
import asyncio
import gc
import os
import resource
import statistics
import sys
import time

STOP = -1
MEMORY_BATCH = 4096


def result(name, unit, value, **extra):
    fields = "".join(" %s=%s" % item for item in extra.items())
    print("RESULT name=%s unit=%s value=%.3f%s" % (name, unit, value, fields),
          flush=True)


def result_rounds(name, unit, values):
    extra = {"median": "%.1f" % statistics.median(values), "rounds": len(values)}
    if all(isinstance(value, Sample) for value in values):
        cpu = [value.cpu for value in values]
        extra.update(cpu="%.3f" % min(cpu), cpu_median="%.1f" % statistics.median(cpu))
    result(name, unit, min(values), **extra)


def now_ns():
    return time.perf_counter_ns()


class Sample(float):
    """Wall-clock nanoseconds per operation, with the thread's CPU time as .cpu.

    CPU time leaves out the time other processes had the CPU, so it stays
    meaningful on a busy machine for workloads that never sleep.
    """

    def __new__(cls, wall, cpu):
        sample = super().__new__(cls, wall)
        sample.cpu = cpu
        return sample


class Clock:
    """The start of a timed round, on both clocks."""

    def __init__(self):
        self.cpu = time.thread_time_ns()
        self.wall = now_ns()

    def sample(self, operations):
        wall = now_ns() - self.wall
        cpu = time.thread_time_ns() - self.cpu
        return Sample(wall / operations, cpu / operations)


# spawn

async def child(value):
    return value


async def spawn_and_await(count):
    loop = asyncio.get_running_loop()
    for i in range(count):
        value = i & 0xffff
        if await loop.create_task(child(value)) != value:
            raise RuntimeError("child %d returned a wrong result" % i)


async def bench_spawn(args):
    await spawn_and_await(10000)
    rounds = []
    for _ in range(args.rounds):
        clock = Clock()
        await spawn_and_await(args.count)
        rounds.append(clock.sample(args.count))
    result_rounds("spawn_await", "ns/task", rounds)


# ping-pong

class Game:
    def __init__(self, hops):
        self.waiting = [None, None]
        self.remaining = hops


async def side(game, me):
    loop = asyncio.get_running_loop()
    other = 1 - me
    while True:
        peer = game.waiting[other]
        game.waiting[other] = None
        if game.remaining == 0:
            if peer is not None:
                peer.set_result(STOP)
            return
        mine = loop.create_future()
        game.waiting[me] = mine
        if peer is not None:
            peer.set_result(0)
            game.remaining -= 1
        if await mine == STOP:
            return


async def play_pingpong(hops):
    loop = asyncio.get_running_loop()
    game = Game(hops)
    first = loop.create_task(side(game, 0))
    second = loop.create_task(side(game, 1))
    await first
    await second
    if game.remaining != 0:
        raise RuntimeError("the ping-pong stopped early")


async def bench_pingpong(args):
    await play_pingpong(10000)
    rounds = []
    for _ in range(args.rounds):
        clock = Clock()
        await play_pingpong(args.count)
        rounds.append(clock.sample(args.count))
    result_rounds("ping_pong", "ns/hop", rounds)

    await chain_call_soon(10000)
    rounds = [await chain_call_soon(args.count) for _ in range(args.rounds)]
    result_rounds("call_soon_chain", "ns/callback", rounds)


async def chain_call_soon(hops):
    """A chain of call_soon() callbacks: the loop's share of a hop."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    remaining = hops

    def hop():
        nonlocal remaining
        remaining -= 1
        if remaining > 0:
            loop.call_soon(hop)
        else:
            done.set_result(True)

    clock = Clock()
    loop.call_soon(hop)
    await done
    return clock.sample(hops)


# readiness

class Side:
    def __init__(self, read_fd, peer_write_fd):
        self.read_fd = read_fd
        self.peer_write_fd = peer_write_fd
        self.waiting = None
        self.readable = False

    def on_readable(self):
        # Level-triggered: consume the byte, or the callback runs again.
        try:
            os.read(self.read_fd, 64)
        except BlockingIOError:
            pass
        waiting, self.waiting = self.waiting, None
        if waiting is not None:
            waiting.set_result(True)
        else:
            self.readable = True

    async def wait_readable(self, loop):
        if self.readable:
            self.readable = False
            return
        self.waiting = loop.create_future()
        await self.waiting

    def send_byte(self):
        if os.write(self.peer_write_fd, b"x") != 1:
            raise RuntimeError("short write")


async def readiness_side(sides, me, iterations):
    loop = asyncio.get_running_loop()
    mine = sides[me]
    for _ in range(iterations):
        if me == 0:
            mine.send_byte()
        await mine.wait_readable(loop)
        if me == 1:
            mine.send_byte()


async def play_readiness(sides, hops):
    loop = asyncio.get_running_loop()
    iterations = hops // 2
    clock = Clock()
    first = loop.create_task(readiness_side(sides, 0, iterations))
    second = loop.create_task(readiness_side(sides, 1, iterations))
    await first
    await second
    return clock.sample(iterations * 2)


idle_wakeups = 0


def idle_readable():
    global idle_wakeups
    idle_wakeups += 1


async def bench_readiness(args):
    loop = asyncio.get_running_loop()
    idle_fds = [os.eventfd(0, os.EFD_CLOEXEC | os.EFD_NONBLOCK)
                for _ in range(args.idle)]
    pipes = [os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK) for _ in range(2)]
    # pipes[i] carries bytes to side i.
    sides = [Side(pipes[i][0], pipes[1 - i][1]) for i in range(2)]
    for s in sides:
        loop.add_reader(s.read_fd, s.on_readable)

    base_rounds, loaded_rounds = [], []
    await play_readiness(sides, 2000)
    for _ in range(args.rounds):
        base_rounds.append(await play_readiness(sides, args.count))
        for fd in idle_fds:
            loop.add_reader(fd, idle_readable)
        await play_readiness(sides, 2000)
        loaded_rounds.append(await play_readiness(sides, args.count))
        for fd in idle_fds:
            loop.remove_reader(fd)

    for s in sides:
        loop.remove_reader(s.read_fd)
    for fd in idle_fds + [fd for pair in pipes for fd in pair]:
        os.close(fd)
    if idle_wakeups:
        raise RuntimeError("%d idle descriptors woke up" % idle_wakeups)

    result_rounds("readiness_idle0", "ns/hop", base_rounds)
    result_rounds("readiness_idle%d" % args.idle, "ns/hop", loaded_rounds)
    result("readiness_ratio", "x", min(loaded_rounds) / min(base_rounds),
           idle=args.idle)


# memory

def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def waiter(gate, counters):
    counters[0] += 1
    await gate
    counters[1] += 1


async def bench_memory(args):
    loop = asyncio.get_running_loop()
    n = args.count
    counters = [0, 0]
    tasks = [None] * n

    # Warm up the loop and the allocator's size classes.
    gate = loop.create_future()
    warm = [loop.create_task(waiter(gate, [0, 0])) for _ in range(64)]
    await asyncio.sleep(0)
    gate.set_result(None)
    for task in warm:
        await task
    del warm
    gc.collect()

    gate = loop.create_future()
    before = rss_bytes()
    clock = Clock()
    for i in range(n):
        tasks[i] = loop.create_task(waiter(gate, counters))
        if (i + 1) % MEMORY_BATCH == 0:
            await asyncio.sleep(0)
    await asyncio.sleep(0)
    suspend_time = clock.sample(n)
    after = rss_bytes()

    if counters[0] != n:
        raise RuntimeError("only %d of %d tasks reached their await"
                           % (counters[0], n))
    result("memory_task", "B/task", (after - before) / n, count=n)

    clock = Clock()
    gate.set_result(None)
    for task in tasks:
        await task
    finish_time = clock.sample(n)
    if counters[1] != n:
        raise RuntimeError("only %d of %d tasks woke up" % (counters[1], n))
    result("memory_task_time", "ns/task", suspend_time, cpu="%.1f" % suspend_time.cpu,
           finish_per="%.1f" % finish_time, finish_cpu_per="%.1f" % finish_time.cpu)


# queue, lock, generator: the synchronization primitives (bench-queue.c,
# bench-lock.c, bench-generator.c)

async def queue_pipe(count):
    queue = asyncio.Queue(maxsize=100)

    async def producer():
        for i in range(count):
            await queue.put(i)

    async def consumer():
        for i in range(count):
            if await queue.get() != i:
                raise RuntimeError("item %d arrived out of order" % i)

    loop = asyncio.get_running_loop()
    consuming = loop.create_task(consumer())
    await loop.create_task(producer())
    await consuming


async def bench_queue(args):
    await queue_pipe(10000)
    rounds = []
    for _ in range(args.rounds):
        clock = Clock()
        await queue_pipe(args.count)
        rounds.append(clock.sample(args.count))
    result_rounds("queue_pipe", "ns/item", rounds)


async def lock_contest(acquisitions):
    lock = asyncio.Lock()
    handoffs = 0
    last_holder = None

    async def contender(me):
        nonlocal handoffs, last_holder
        for _ in range(acquisitions // 2):
            async with lock:
                if last_holder is not None and last_holder != me:
                    handoffs += 1
                last_holder = me
                await asyncio.sleep(0)

    loop = asyncio.get_running_loop()
    other = loop.create_task(contender(1))
    await contender(0)
    await other
    if handoffs < acquisitions - 2:
        raise RuntimeError("the lock was not contended")


async def bench_lock(args):
    await lock_contest(10000)
    rounds = []
    count = args.count - args.count % 2
    for _ in range(args.rounds):
        clock = Clock()
        await lock_contest(count)
        rounds.append(clock.sample(count))
    result_rounds("lock_handoff", "ns/acquire", rounds)


async def integers(count):
    for i in range(count):
        yield i


async def consume_generator(count):
    expected = 0
    async for value in integers(count):
        if value != expected:
            raise RuntimeError("value %d out of order" % value)
        expected += 1
    if expected != count:
        raise RuntimeError("the generator stopped early")


async def bench_generator(args):
    await consume_generator(10000)
    rounds = []
    for _ in range(args.rounds):
        clock = Clock()
        await consume_generator(args.count)
        rounds.append(clock.sample(args.count))
    result_rounds("async_generator", "ns/value", rounds)


WORKLOADS = {
    "spawn": (bench_spawn, 200000),
    "pingpong": (bench_pingpong, 300000),
    "readiness": (bench_readiness, 100000),
    "memory": (bench_memory, 1000000),
    "queue": (bench_queue, 1000000),
    "lock": (bench_lock, 300000),
    "generator": (bench_generator, 1000000),
}


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return
        except (ValueError, OSError):
            sys.exit("Need %d file descriptors but the hard limit is %d; "
                     "raise it with `ulimit -Hn`" % (needed, hard))
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def make_loop(name):
    if name == "asyncio":
        return asyncio.new_event_loop()
    if name == "uvloop":
        try:
            import uvloop
        except ImportError:
            print("SKIP uvloop is not installed (Debian: python3-uvloop)",
                  flush=True)
            sys.exit(77)
        return uvloop.new_event_loop()
    raise SystemExit("unknown loop %r" % name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--loop", default="asyncio",
                        help="asyncio (the default loop) or uvloop")
    parser.add_argument("-n", "--count", type=int,
                        help="operations per round (tasks for memory)")
    parser.add_argument("-r", "--rounds", type=int, default=3,
                        help="timed rounds; the best is reported")
    parser.add_argument("-i", "--idle", type=int, default=10000,
                        help="idle descriptors for the readiness workload")
    args = parser.parse_args()

    func, default_count = WORKLOADS[args.workload]
    if args.count is None:
        args.count = default_count
    if args.count <= 0 or args.rounds <= 0 or args.idle < 0:
        parser.error("--count and --rounds must be positive, --idle not negative")
    if args.workload == "readiness":
        raise_nofile(args.idle + 64)

    loop = make_loop(args.loop)
    try:
        loop.run_until_complete(func(args))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
