"""The analysis job survives a worker killed mid-job: the next worker runs it again."""

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.realtime.fake_upstream import FakeUpstream, new_id

ROOT = Path(__file__).resolve().parents[3]
STEP_TIMEOUT_S = 120


def _fake_server(first_seen: threading.Event):
    """Connection 1 hangs (the worker is killed meanwhile); later ones answer."""

    async def hang(conn):
        await conn.session_created()
        await conn.expect("response.create", within=30)
        first_seen.set()
        await conn.ws.wait_closed()  # until the killed worker's socket drops

    async def answer(conn):
        await conn.session_created()
        await conn.expect("response.create", within=30)
        response_id = new_id("resp")
        await conn.response_start(response_id)
        arguments = json.dumps({"summary": "Said hello.", "data": {}, "criteria": {}})
        item = await conn.function_call(response_id, "record_call_analysis", arguments)
        await conn.response_done(response_id, output=[item])

    return FakeUpstream(hang, answer)


def _run(cmd, env, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *cmd],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S,
        check=True,
        **kwargs,
    )


@pytest.mark.timeout(300)
def test_job_survives_a_killed_worker(tmp_path):
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    first_seen = threading.Event()
    server = _fake_server(first_seen)
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    db_path = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": "",
        "ANALYSIS_TIMEOUT_S": "60",
    }
    try:
        _run(["migrate", "--noinput"], env)
        setup = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("worker_setup.py")),
             server.base_url],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
            timeout=STEP_TIMEOUT_S,
        )  # fmt: skip
        session_id = setup.stdout.strip().splitlines()[-1].replace("-", "")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "analysis_worker", "--interval", "0.2"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            assert first_seen.wait(STEP_TIMEOUT_S), "the worker never started the job"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        with sqlite3.connect(db_path) as db:
            stuck = db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
            ).fetchall()
            state = db.execute(
                "SELECT status FROM botbuilder_sessionanalysis WHERE session_id = ?",
                (session_id,),
            ).fetchone()
        assert stuck == [("RUNNING",)]
        assert state == ("running",)

        _run(["analysis_worker", "--batch"], env)

        with sqlite3.connect(db_path) as db:
            jobs = db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
            ).fetchall()
            done = db.execute(
                "SELECT status, summary FROM botbuilder_sessionanalysis "
                "WHERE session_id = ?",
                (session_id,),
            ).fetchone()
        assert jobs == [("SUCCESSFUL",)]
        assert done == ("done", "Said hello.")
        assert len(server.connections) == 2
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
