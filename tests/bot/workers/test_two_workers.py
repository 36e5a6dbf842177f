"""Two worker processes on one PostgreSQL: customers spread over both, L1 flows timing out,
concurrent resolves and claims, a model deploy, a case opened on one worker shown live on the
other, and a worker killed with SIGKILL mid-burst. Every customer message is answered once,
every handoff message and CSAT prompt is sent once, no case changes twice."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from bot.bench.servers import ServerGroup, prepare_database, serve
from bot.workers.models import record_deployment
from handoff.agents.auth import add_agent
from handoff.config.settings import Settings
from handoff.store.db import Database
from handoff.store.models import AgentRole, Base, CaseEvent
from tests.bot.workers.cluster import (
    FAST,
    NO_POLLING,
    WebCustomer,
    agent_call,
    console_session,
    conversation_of,
    flow_started_long_ago,
    inbound_count,
    lease_holders,
    live_events,
    outbound_texts,
    trained_at,
    wait_for,
)
from tests.bot.workers.test_model_follow import deploy_new_model

pytestmark = [pytest.mark.postgres, pytest.mark.multiprocess]

REFUND = "when will I get my refund?"  # starts the return flow: it waits for the order
HUMAN = "I want to talk to a human agent"
PASSWORD = "correct horse battery staple"


@dataclass
class Cluster:
    a: ServerGroup
    b: ServerGroup
    token: str  # the demo supervisor's
    db: Database
    model: Path  # the model file both workers serve


@contextmanager
def _cluster(postgres_url: str, nlu_model_path: Path, tmp_path: Path,
             tuning: dict[str, str]) -> Iterator[Cluster]:
    db = Database(postgres_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    token = prepare_database(Settings(database_url=postgres_url, var_dir=tmp_path))
    model = tmp_path / "models" / "intent_model.npz"
    model.parent.mkdir()
    shutil.copy(nlu_model_path, model)
    env = {**FAST, **tuning, "DATABASE_URL": postgres_url, "AFTERSALES_VAR_DIR": str(tmp_path),
           "AFTERSALES_NLU_MODEL": str(model)}
    with ExitStack() as stack:
        a = stack.enter_context(serve(env, 1, tmp_path / "a.log"))
        wait_for(lambda: lease_holders(db, "sweeper") == 1, 10, "worker A takes the sweeper")
        b = stack.enter_context(serve(env, 1, tmp_path / "b.log"))
        yield Cluster(a, b, token, db, model)
    db.dispose()


@pytest.fixture
def cluster(postgres_url: str, nlu_model_path: Path, tmp_path: Path) -> Iterator[Cluster]:
    with _cluster(postgres_url, nlu_model_path, tmp_path, {}) as started:
        yield started


@pytest.fixture
def quiet_cluster(postgres_url: str, nlu_model_path: Path,
                  tmp_path: Path) -> Iterator[Cluster]:
    """Two workers that never poll: live pages and model followers hear only the change feed."""
    with _cluster(postgres_url, nlu_model_path, tmp_path, NO_POLLING) as started:
        yield started


def test_two_workers_answer_once_hand_off_once_resolve_once_and_serve_the_deployed_model(
        cluster: Cluster) -> None:
    workers = (cluster.a, cluster.b)
    waiting = [WebCustomer() for _ in range(6)]
    asking = [WebCustomer() for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda ic: ic[1].say(workers[ic[0] % 2], REFUND), enumerate(waiting)))
        handed = list(pool.map(lambda ic: ic[1].say(workers[ic[0] % 2], HUMAN),
                               enumerate(asking)))
    for customer in waiting:  # they went silent: the sweeper (one worker) hands them off
        flow_started_long_ago(cluster.db, customer.user_id, minutes=60)
    wait_for(lambda: all(conversation_of(cluster.db, c.user_id).mode.value == "human"
                         for c in waiting), 15, "every silent customer handed off")

    numbers = [body["conversation"]["case_number"] for body in handed]
    numbers += [_case_number(cluster.db, c.user_id) for c in waiting]
    assert all(numbers) and len(set(numbers)) == len(numbers)
    for number in numbers:
        assert agent_call(cluster.a, cluster.token, number, "assign", {"agent": "sam"}) == 200
        assert _at_once(functools.partial(_resolve, token=cluster.token, number=number),
                        workers) == [200, 409]

    for customer in waiting + asking:
        texts = outbound_texts(cluster.db, customer.user_id)
        assert len(texts) == len(set(texts)), texts  # no handoff message, no CSAT prompt twice
        assert inbound_count(cluster.db, customer.user_id) == len(customer.sent)
    assert _resolutions(cluster.db) == len(numbers)

    # A trainer deploys a model through one worker: both serve it within seconds.
    deploy_new_model(cluster.model, "2099-01-01T00:00:00+00:00")
    record_deployment(cluster.db, cluster.model, datetime.now(UTC))
    wait_for(lambda: {trained_at(cluster.a), trained_at(cluster.b)} ==
             {"2099-01-01T00:00:00+00:00"}, 15, "both workers serve the deployed model")


def test_a_killed_worker_loses_no_message_and_the_other_takes_its_jobs(
        cluster: Cluster) -> None:
    customers = [WebCustomer() for _ in range(6)]
    for customer in customers:
        customer.say(cluster.b, REFUND)
    ids = {c.user_id: f"order-{c.user_id}" for c in customers}

    def burst(customer: WebCustomer) -> None:
        with contextlib.suppress(Exception):  # worker A dies under some of these requests
            customer.say(cluster.a, "it's order US2026110500011", ids[customer.user_id])

    threads = [threading.Thread(target=burst, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    os.kill(cluster.a.pids()[0], signal.SIGKILL)
    for thread in threads:
        thread.join()
    for customer in customers:  # every client retries on the other worker, same message_id
        customer.say(cluster.b, "it's order US2026110500011", ids[customer.user_id])

    for customer in customers:
        assert inbound_count(cluster.db, customer.user_id) == 2
        texts = outbound_texts(cluster.db, customer.user_id)
        assert len(texts) == len(set(texts)), texts
    wait_for(lambda: lease_holders(cluster.db, "sweeper") == 1, 10,
             "worker B takes the sweeper over")
    silent = WebCustomer()
    silent.say(cluster.b, REFUND)
    flow_started_long_ago(cluster.db, silent.user_id, minutes=60)
    wait_for(lambda: conversation_of(cluster.db, silent.user_id).mode.value == "human", 15,
             "worker B's sweeper hands a silent customer off")


def test_a_case_opened_on_one_worker_shows_live_on_the_other_and_one_claim_wins(
        quiet_cluster: Cluster) -> None:
    cluster = quiet_cluster
    sue = _supervisor(cluster.db, "sue")
    console = console_session(cluster.b, "sue", PASSWORD)
    with console.get(f"{cluster.b.url}/console/live", stream=True, timeout=(10, 60)) as stream:
        events = live_events(stream)
        assert next(events)["first"] is True
        customer = WebCustomer()
        number = customer.say(cluster.a, HUMAN)["conversation"]["case_number"]
        assert number
        # Worker B's page is told (nothing polls on this cluster), then B's inbox lists it.
        for event in events:  # a stream that stays silent fails with a read timeout
            assert event["first"] is False
            if number in _inbox(cluster.b, cluster.token):
                break
    assert number in console.get(f"{cluster.b.url}/console/inbox", timeout=30).text

    fresh = WebCustomer().say(cluster.b, HUMAN)["conversation"]["case_number"]
    def claim(worker: ServerGroup) -> int:  # sam on A, sue on B, at the same time
        return agent_call(worker, sue if worker is cluster.b else cluster.token, fresh, "claim")

    assert _at_once(claim, (cluster.a, cluster.b)) == [200, 409]

    deploy_new_model(cluster.model, "2099-01-01T00:00:00+00:00")
    record_deployment(cluster.db, cluster.model, datetime.now(UTC))
    wait_for(lambda: {trained_at(cluster.a), trained_at(cluster.b)} ==
             {"2099-01-01T00:00:00+00:00"}, 60, "both workers hear of the deployment")


def _supervisor(db: Database, name: str) -> str:
    """A second supervisor with a console password; their API token."""
    with db.session() as session:
        _agent, token = add_agent(session, name=name, role=AgentRole.SUPERVISOR, queues=[],
                                  skills=[], now=datetime.now(UTC), password=PASSWORD)
    return token


def _inbox(worker: ServerGroup, token: str) -> list[str]:
    answer = requests.get(f"{worker.url}/api/cases", timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    return [row["number"] for row in answer.json()["cases"]]


def _resolve(worker: ServerGroup, *, token: str, number: str) -> int:
    return agent_call(worker, token, number, "resolve")


def _at_once(call: Callable[[ServerGroup], int],
             workers: tuple[ServerGroup, ServerGroup]) -> list[int]:
    """The same call on both workers, released together."""
    barrier = threading.Barrier(len(workers))

    def run(worker: ServerGroup) -> int:
        barrier.wait()
        return call(worker)

    with ThreadPoolExecutor(len(workers)) as pool:
        return sorted(pool.map(run, workers))


def _case_number(db: Database, user_id: str) -> str:
    from handoff.store.models import Case

    conversation = conversation_of(db, user_id)
    with db.session() as session:
        case = session.get(Case, conversation.case_id)
        assert case is not None
        return case.number


def _resolutions(db: Database) -> int:
    with db.session() as session:
        events = session.scalars(select(CaseEvent.data).where(CaseEvent.kind == "status"))
        return sum(1 for data in events if data.get("after") == "resolved")
