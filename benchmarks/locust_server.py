"""Locust users for bench_server_load.py: each signs in with its own API token and mixes
search, chat (a scripted model behind the OpenAI-compatible provider), execute (the real
sandbox) and the insights feed. Settings come from the environment the bench sets."""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

TOKENS = os.environ["DEVLAB_LOAD_TOKENS"].split(",")
PROJECT = os.environ["DEVLAB_LOAD_PROJECT"]
QUERIES = ["sign a value", "timestamp expired", "serializer dumps", "bad signature", "salt key"]
P = "/api/v1/devlab"


THINK = [float(x) for x in os.environ.get("DEVLAB_LOAD_THINK", "1,3").split(",")]


class TeamMember(HttpUser):
    wait_time = between(THINK[0], THINK[1])

    def on_start(self) -> None:
        token = TOKENS[random.randrange(len(TOKENS))]
        self.client.headers["Authorization"] = f"Bearer {token}"

    @task(4)
    def search(self) -> None:
        body = {"project": PROJECT, "query": random.choice(QUERIES), "limit": 5}
        self.client.post(f"{P}/search", json=body, name="POST /search")

    @task(2)
    def chat(self) -> None:
        body = {"message": random.choice(QUERIES) + "?", "project": PROJECT, "retrieve": 3}
        self.client.post(f"{P}/companion/chat", json=body, name="POST /companion/chat")

    @task(1)
    def execute(self) -> None:
        body = {"language": "python", "code": f"print(sum(range({random.randint(1, 999)})))"}
        with self.client.post(
            f"{P}/execute", json=body, name="POST /execute", catch_response=True
        ) as resp:
            if resp.status_code == 200 and resp.json().get("status") != "ok":
                resp.failure(f"run ended {resp.json().get('status')}")

    @task(3)
    def insights(self) -> None:
        self.client.get(
            f"{P}/insights", params={"project_id": PROJECT, "limit": 20}, name="GET /insights"
        )
