"""``stream_code``: the async variant; output chunks as they happen, then the result.

The run itself is the same synchronous ``runner.execute`` on a worker thread.
Its output callback hands chunks to the event loop through an asyncio queue;
stdin from the caller's async iterator is pumped into a ``StdinFeed``. If the
consumer stops iterating (a WebSocket client went away), the run is cancelled
and its sandbox killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import AsyncGenerator, AsyncIterator

from devlab.config import Settings
from devlab.sandbox.models import SandboxRequest, SandboxResult, StreamEvent
from devlab.sandbox.process import StdinFeed
from devlab.sandbox.runner import execute, prepare
from devlab.store import Database

_FEED_BUFFER = 1024 * 1024  # stdin bytes a live run may have waiting, at most


async def stream_code(
    request: SandboxRequest,
    settings: Settings,
    *,
    db: Database | None = None,
    stdin: AsyncIterator[bytes] | None = None,
) -> AsyncGenerator[StreamEvent, None]:
    """Yield ``StreamEvent``s: stdout/stderr chunks, then one ``result`` event.

    Bad requests raise before the first event (the same 4xx errors as ``run_code``).
    With ``stdin`` given, ``request.stdin`` is sent first and the iterator's bytes
    follow; the program sees EOF when the iterator ends.
    """
    # Fail fast, before any event; off the event loop (it reads untrusted sources).
    await asyncio.to_thread(prepare, request, settings)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[StreamEvent | BaseException] = asyncio.Queue()
    cancel = threading.Event()
    feed: StdinFeed | None = None
    if stdin is not None:
        feed = StdinFeed()
        feed.feed(request.stdin.encode())

    def on_output(name: str, data: bytes) -> None:
        event = StreamEvent(type=name, data=data.decode("utf-8", errors="replace"))
        loop.call_soon_threadsafe(queue.put_nowait, event)

    def work() -> None:
        try:
            result: SandboxResult = execute(
                request, settings, db=db, stdin=feed, on_output=on_output, cancel=cancel
            )
            loop.call_soon_threadsafe(queue.put_nowait, StreamEvent(type="result", result=result))
        except BaseException as exc:  # handed to the consumer, raised there
            loop.call_soon_threadsafe(queue.put_nowait, exc)

    async def pump() -> None:
        assert stdin is not None and feed is not None
        try:
            async for chunk in stdin:
                # Backpressure: wait while the program has not taken what is buffered.
                while feed.buffered() > _FEED_BUFFER and not cancel.is_set():
                    await asyncio.sleep(0.01)
                if cancel.is_set():
                    break
                feed.feed(chunk)
        finally:
            feed.close()

    # the caller's context goes with the run: its sandbox meter (devlab.actor, issue 19)
    worker = loop.run_in_executor(None, contextvars.copy_context().run, work)
    pumper = asyncio.ensure_future(pump()) if stdin is not None else None
    try:
        while True:
            item = await queue.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            if item.type == "result":
                break
    finally:
        cancel.set()
        if pumper is not None:
            pumper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pumper
        with contextlib.suppress(Exception):
            await worker
        if feed is not None:
            feed.dispose()


__all__ = ["stream_code"]
