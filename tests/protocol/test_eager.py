"""The server runs each message's handler eagerly up to its first suspension."""
from __future__ import annotations

import asyncio

from heliosd.server.main import _run_eagerly


def test_completes_without_a_task():
    log = []

    async def handler():
        log.append("ran")
        return 1

    async def main():
        t = _run_eagerly(handler())
        assert log == ["ran"] and t.done()

    asyncio.run(main())


def test_suspends_and_resumes_in_order():
    async def main():
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        log = []

        async def handler():
            log.append("start")
            v = await fut
            log.append(("got", v))
            await asyncio.sleep(0)
            log.append("after sleep")
            try:
                await asyncio.wait_for(loop.create_future(), 0.01)
            except asyncio.TimeoutError:
                log.append("timeout")
            return "done"

        t = _run_eagerly(handler())
        assert log == ["start"] and not t.done()
        fut.set_result(42)
        assert await t == "done"
        assert log == ["start", ("got", 42), "after sleep", "timeout"]

    asyncio.run(main())


def test_exceptions_and_cancellation_propagate():
    async def main():
        loop = asyncio.get_running_loop()

        async def boom():
            await asyncio.sleep(0)
            raise ValueError("x")

        t = _run_eagerly(boom())
        try:
            await t
        except ValueError:
            pass
        else:
            raise AssertionError("no exception")
        cleaned = []

        async def waits():
            try:
                await loop.create_future()
            finally:
                cleaned.append(True)

        t = _run_eagerly(waits())
        await asyncio.sleep(0)
        t.cancel()
        try:
            await t
        except asyncio.CancelledError:
            pass
        assert cleaned == [True]

    asyncio.run(main())
