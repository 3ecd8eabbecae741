# SPDX-License-Identifier: LGPL-2.1-or-later
"""Call graphs and the task tree of Python coroutines run as Aio tasks."""

import asyncio

from gi.repository import Aio


async def leaf(never):
    await never


async def worker(never):
    await Aio.gather(Aio.create_task(leaf(never), name='leaf-a'),
                     Aio.create_task(leaf(never), name='leaf-b'))


async def probe(loop, found):
    # Captures while main waits in its task group, then ends the hang.
    await asyncio.sleep(0.05)
    found['tasks'] = {task.get_name(): task for task in Aio.all_tasks(None)}
    found['graph'] = found['tasks']['leaf-a'].capture_call_graph()
    found['tree'] = loop.format_tasks()
    found['tasks']['worker'].cancel()


async def hang_and_capture():
    loop = Aio.Loop.get_default()
    never = loop.create_future()
    found = {}
    prober = Aio.create_task(probe(loop, found), name='probe')
    async with Aio.TaskGroup() as group:
        group.create_task(worker(never), name='worker')
    await prober
    return found['graph'], found['tree'], found['tasks']


async def main():
    # An Aio task, so the graph sees it: Aio.run()'s own main coroutine is
    # an asyncio task, which waits through callbacks.
    return await Aio.create_task(hang_and_capture(), name='main')


def test_graph_through_gather_and_task_group():
    loop = Aio.Loop.get_default()
    loop.set_debug(True)
    try:
        graph, tree, by_name = Aio.run(main())
    finally:
        loop.set_debug(False)

    assert graph.get_future() is by_name['leaf-a']
    assert graph.get_awaiting() is not None
    assert 0 <= graph.get_waiting_time() < 60
    # Python's Aio.gather() is a task named 'gather' awaiting aio_gather().
    [gather_graph] = graph.get_awaited_by()
    assert gather_graph.get_via() == 'gather'
    assert gather_graph.get_future().get_name() == 'gather'
    assert list(gather_graph.get_awaited_tasks()) == [by_name['leaf-a'], by_name['leaf-b']]
    [worker_graph] = gather_graph.get_awaited_by()
    assert worker_graph.get_via() == 'await'
    assert worker_graph.get_future() is by_name['worker']
    [main_graph] = worker_graph.get_awaited_by()
    assert main_graph.get_via() == 'task group'
    assert main_graph.get_future().get_name() == 'main'
    assert main_graph.get_awaited_by() == []

    text = graph.to_string()
    assert text.startswith("* Task 'leaf-a' (waiting ")
    assert "* [gather] Task 'gather' (waiting " in text
    assert "* [await] Task 'worker' (waiting " in text
    # In debug mode each task names the coroutine it runs.
    assert f'created at leaf() at {__file__}:' in text
    assert "[task group] Task 'worker'" in tree
    assert "[gather] Task 'leaf-b'" in tree
    assert "[await] Task 'gather'" in tree
    assert all(task.done() for task in by_name.values())
