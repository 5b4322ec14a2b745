"""Scripted conversations whose contradictions are known by construction.

Each turn either states a single-valued slot (employer, location, age) — a different value than
the slot's current one is a contradiction with the latest memory that stated it, the same value
is none —, states or negates a statement without slot facts ("I have visited Peru twice." /
"I have not visited Peru twice.": found only through the exact kNN, so it exercises the
embedding path), or is neutral filler or a question.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

EMPLOYERS = ["Microsoft", "Amazon", "Google", "Netflix", "Stripe", "Oracle", "Adobe", "Spotify"]
CITIES = ["Seattle", "Boston", "Denver", "Austin", "Chicago", "Portland", "Miami", "Atlanta"]
PLACES = ["Japan", "Peru", "Kenya", "Norway", "Chile", "Egypt", "Iceland", "Vietnam", "Morocco", "Greece",
          "Mexico", "Nepal", "Ireland", "Brazil", "Canada", "Portugal", "Turkey", "Finland", "Ghana", "Bolivia"]
FILLER = ["I watched a movie last night.", "The weather was lovely this morning.", "Lunch was a quick sandwich.",
          "I read a few chapters of a novel.", "The train was crowded today."]
QUESTIONS = ["Where do I work?", "Where do I live?", "How old am I?"]
SLOT_TEXT = {
    "employer": ("I work at {}.", EMPLOYERS),
    "location": ("I live in {}.", CITIES),
    "age": ("I am {} years old.", [str(n) for n in range(28, 46)]),
}


@dataclass(frozen=True)
class Turn:
    """One message; ``expect`` is (index of the contradicted earlier turn, slot) or None."""

    text: str
    expect: tuple[int, str] | None = None


def conversation(seed: int, length: int) -> list[Turn]:
    """A deterministic conversation of ``length`` turns for ``seed``."""
    rng = random.Random(seed)
    turns: list[Turn] = []
    holder: dict[str, tuple[int, str]] = {}  # slot -> (turn index of the current value, value)
    visited: list[tuple[int, str]] = []      # affirmed visits not negated yet
    places = rng.sample(PLACES, len(PLACES))
    for index in range(length):
        roll = rng.random()
        if roll < 0.55:
            slot = rng.choice(sorted(SLOT_TEXT))
            template, values = SLOT_TEXT[slot]
            current = holder.get(slot)
            if current is not None and rng.random() < 0.3:
                value = current[1]  # a repeat: never a contradiction
            else:
                value = rng.choice([v for v in values if current is None or v != current[1]])
            expect = (current[0], slot) if current is not None and value != current[1] else None
            turns.append(Turn(template.format(value), expect))
            holder[slot] = (index, value)
        elif roll < 0.70 and places:
            place = places.pop()
            turns.append(Turn(f"I have visited {place} twice."))
            visited.append((index, place))
        elif roll < 0.80 and visited:
            earlier, place = visited.pop(rng.randrange(len(visited)))
            turns.append(Turn(f"I have not visited {place} twice.", (earlier, "statement")))
        elif roll < 0.92:
            turns.append(Turn(rng.choice(FILLER)))
        else:
            turns.append(Turn(rng.choice(QUESTIONS)))
    return turns


def expected_pairs(turns: list[Turn], memory_ids: list[str]) -> set[tuple[str, str, str]]:
    """(older memory id, newer memory id, slot) of every contradiction the script contains."""
    return {(memory_ids[t.expect[0]], memory_ids[i], t.expect[1]) for i, t in enumerate(turns) if t.expect}
