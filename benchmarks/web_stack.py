"""Which stack serves the participants' page: aiohttp (already in `serve`, under textual-serve)
or Starlette + uvicorn. Issue #32 asked for the choice to be measured on this machine.

Each candidate serves the same two routes in a process of its own: `POST /add` (a form with
a line, answered with a small page) and `GET /events` (server-sent events, every new line
sent to every open stream in batches every 250 ms). A plain asyncio client on loopback then
opens N event streams, measures the server's memory per stream, posts M lines (C at once)
and measures how long each post takes and when every stream has seen it.

    python benchmarks/web_stack.py            # needs starlette and uvicorn installed too
    python benchmarks/web_stack.py --streams 500 --posts 1000

The figures go in the commit that chose the stack (and in docs/participants.md); this
script is not part of the suite (Starlette and uvicorn are not dependencies).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

SERVER = r"""
import asyncio, json, sys, time
kind, port = sys.argv[1], int(sys.argv[2])
lines, queues = [], set()

async def batcher():
    sent = 0
    while True:
        await asyncio.sleep(0.25)
        if len(lines) > sent:
            chunk = "data: " + json.dumps(lines[sent:]) + "\n\n"
            sent = len(lines)
            for q in list(queues):
                q.put_nowait(chunk)

if kind == "aiohttp":
    from aiohttp import web
    async def add(request):
        form = await request.post()
        lines.append(form["text"])
        return web.Response(text="<p>added</p>", content_type="text/html")
    async def events(request):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        q = asyncio.Queue(); queues.add(q)
        try:
            await response.write(b": hello\n\n")
            while True:
                await response.write((await q.get()).encode())
        finally:
            queues.discard(q)
        return response
    async def start(app):
        app["batcher"] = asyncio.create_task(batcher())
    app = web.Application()
    app.router.add_post("/add", add)
    app.router.add_get("/events", events)
    app.on_startup.append(start)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
else:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, StreamingResponse
    from starlette.routing import Route
    async def add(request):
        form = await request.form()
        lines.append(form["text"])
        return HTMLResponse("<p>added</p>")
    async def events(request):
        q = asyncio.Queue(); queues.add(q)
        async def stream():
            try:
                yield ": hello\n\n"
                while True:
                    yield await q.get()
            finally:
                queues.discard(q)
        return StreamingResponse(stream(), media_type="text/event-stream")
    async def lifespan(app):
        task = asyncio.create_task(batcher())
        yield
        task.cancel()
    app = Starlette(routes=[Route("/add", add, methods=["POST"]), Route("/events", events)],
                    lifespan=lifespan)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def post(port: int, text: str) -> float:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = f"text={text}".encode()
    writer.write(
        b"POST /add HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    await reader.read()
    writer.close()
    return time.perf_counter() - started


async def stream(port: int, seen: dict[str, list[float]], ready: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    await writer.drain()
    first = True
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if first and line.startswith(b": hello"):
                first = False
                ready.set()
            for token in line.decode().split('"'):
                if token.startswith("t"):
                    seen.setdefault(token, []).append(time.perf_counter())
    finally:
        writer.close()


async def measure(kind: str, streams: int, posts: int, concurrency: int) -> dict[str, float]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, kind, str(port)])
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        await post(port, "warmup")
        idle = rss_kb(server.pid)
        seen: dict[str, list[float]] = {}
        readies = [asyncio.Event() for _ in range(streams)]
        tasks = [asyncio.create_task(stream(port, seen, r)) for r in readies]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
        await asyncio.sleep(0.5)
        with_streams = rss_kb(server.pid)
        sent: dict[str, float] = {}
        gate = asyncio.Semaphore(concurrency)

        async def one(i: int) -> float:
            async with gate:
                token = f"t{i}"
                sent[token] = time.perf_counter()
                return await post(port, token)

        latencies = sorted(await asyncio.gather(*(one(i) for i in range(posts))))
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and any(len(seen.get(t, ())) < streams for t in sent):
            await asyncio.sleep(0.05)
        delays = sorted(max(seen.get(t, [deadline])) - sent[t] for t in sent)
        for task in tasks:
            task.cancel()
        return {
            "idle_mb": idle / 1024,
            "kb_per_stream": (with_streams - idle) / streams,
            "post_p50_ms": statistics.median(latencies) * 1000,
            "post_p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "seen_p99_ms": delays[int(len(delays) * 0.99) - 1] * 1000,
            "lost": sum(1 for t in sent if len(seen.get(t, ())) < streams),
        }
    finally:
        server.kill()  # uvicorn's graceful stop waits for open event streams
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    print(f"{args.streams} event streams, {args.posts} posts ({args.concurrency} at once)")
    print(
        "| stack | idle MB | KB per stream | post p50 ms | post p99 ms | all seen p99 ms | lost |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind in ("aiohttp", "starlette"):
        r = asyncio.run(measure(kind, args.streams, args.posts, args.concurrency))
        print(
            f"| {kind} | {r['idle_mb']:.1f} | {r['kb_per_stream']:.1f} | {r['post_p50_ms']:.1f} "
            f"| {r['post_p99_ms']:.1f} | {r['seen_p99_ms']:.0f} | {r['lost']:.0f} |"
        )


if __name__ == "__main__":
    main()
