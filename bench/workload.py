"""Synthetic chat workload for the pipeline benchmarks: one user's conversation in one thread.

Statements about single-valued slots (employer, city, age) change now and then — each change is a
contradiction the detector should flag — mixed with repeats, statements without slot facts,
ordinary chatter and questions. Deterministic per seed. Standard library only (locust imports it).
"""

from __future__ import annotations

import random

EMPLOYERS = ["Microsoft", "Amazon", "Google", "Netflix", "Stripe", "Oracle", "Adobe", "Spotify", "Shopify", "Intel"]
CITIES = ["Seattle", "Boston", "Denver", "Austin", "Chicago", "Portland", "Miami", "Atlanta", "Phoenix", "Dallas"]
PLACES = ["Japan", "Peru", "Kenya", "Norway", "Chile", "Egypt", "Iceland", "Vietnam", "Morocco", "Greece"]
CHATTER = [
    "I went for a long walk by the river this morning.", "The weather has been really nice lately.",
    "I cooked pasta with mushrooms for dinner.", "We watched a documentary about octopuses.",
    "My weekend was pretty quiet.", "I tried a new coffee shop downtown.", "The meeting ran long again today.",
    "I repotted the plants on the balcony.", "The concert last night was loud but fun.",
]
QUESTIONS = ["Where do I work?", "Where do I live?", "How old am I?", "What do you know about my job?"]
SLOTS = {
    "employer": ("I work at {}.", EMPLOYERS),
    "location": ("I live in {}.", CITIES),
    "age": ("I am {} years old.", [str(n) for n in range(25, 60)]),
}


class Conversation:
    """An endless, seeded conversation; :meth:`statement` and :meth:`question` give the next turn."""

    def __init__(self, seed: int, change_rate: float = 0.3):
        self.rng = random.Random(seed)
        self.change_rate = change_rate
        self.current: dict[str, str] = {}

    def statement(self) -> str:
        """The next statement: a slot fact (changed with ``change_rate``), a visit, or chatter."""
        roll = self.rng.random()
        if roll < 0.6:
            slot = self.rng.choice(sorted(SLOTS))
            template, values = SLOTS[slot]
            value = self.current.get(slot)
            if value is None or self.rng.random() < self.change_rate:
                value = self.rng.choice([v for v in values if v != value])
            self.current[slot] = value
            return template.format(value)
        if roll < 0.75:
            place = self.rng.choice(PLACES)
            return f"I have {'not ' if self.rng.random() < 0.3 else ''}visited {place} twice."
        return self.rng.choice(CHATTER)

    def question(self) -> str:
        """A question about the user (answered from stored facts, no contradiction check needed)."""
        return self.rng.choice(QUESTIONS)
