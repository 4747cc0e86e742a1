"""Titles, abstracts and bios for synthetic editions, from the words in ``words``."""

import random

from program.synthetic.words import (
    ACADEMIC_ROLES,
    ADJECTIVES,
    AREAS,
    AWARDS,
    BASELINES,
    COMPANIES,
    HARDWARE,
    INDUSTRY_ROLES,
    KEYNOTE_SENTENCES,
    OBSERVATIONS,
    PAST_WORK,
    RESEARCH_APPROACH,
    RESEARCH_CONTEXT,
    RESEARCH_GAP,
    RESEARCH_INSIGHT,
    RESEARCH_RESULTS,
    RESOURCES,
    SESSION_SENTENCES,
    SMALL_WORDS,
    SOCIAL_SENTENCES,
    SOCIALS,
    SYSTEM_PREFIXES,
    SYSTEM_SUFFIXES,
    TARGETS,
    TECHNIQUES,
    UNIVERSITIES,
)


def title_and_abstract(rng, kind):
    """A title and an abstract for a talk of ``kind``, sharing the same made-up system."""
    techniques = rng.sample(TECHNIQUES, 2)
    words = {
        "system": rng.choice(SYSTEM_PREFIXES) + rng.choice(SYSTEM_SUFFIXES),
        "adjective": rng.choice(ADJECTIVES),
        "technique": techniques[0],
        "technique2": techniques[1],
        "target": rng.choice(TARGETS),
        "area": rng.choice(AREAS),
        "resource": rng.choice(RESOURCES),
        "hardware": rng.choice(HARDWARE),
        "baseline": rng.choice(BASELINES),
        "kind": kind.name.lower(),
        "factor": f"{rng.randint(12, 60) / 10:.1f}",
        "percent": rng.randint(15, 70),
        "percent2": rng.randint(10, 45),
        "traces": rng.randint(3, 12),
        "gpus": rng.choice((64, 128, 256, 512, 1024)),
    }
    words["observation"] = rng.choice(OBSERVATIONS).format(**words)
    words["Target"] = words["target"][0].upper() + words["target"][1:]
    return _title(rng, kind, words), _abstract(rng, kind, words)


def _title(rng, kind, words):
    technique, target, area = (title_case(words[key]) for key in ("technique", "target", "area"))
    adjective = title_case(words["adjective"])
    if kind.slug == "keynote":
        return rng.choice(
            (
                f"The Road Ahead for {area}",
                f"Rethinking {area} for {target}",
                f"Lessons from a Decade of {area}",
            )
        )
    if kind.slug == "tutorial":
        return f"Tutorial: {technique} for {target} in Practice"
    if kind.slug == "workshop":
        return rng.choice((f"Workshop on {area}", f"Workshop on {technique} for {target}"))
    if kind.slug == "panel":
        return rng.choice(
            (f"Panel: The Future of {area}", f"Panel: Is {technique} Worth It for {target}?")
        )
    if kind.slug == "social":
        return rng.choice(SOCIALS)
    return rng.choice(
        (
            f"{words['system']}: {adjective} {technique} for {target}",
            f"{adjective} {technique} for {target}",
            f"Towards {adjective} {target} with {technique}",
            f"{words['system']}: Rethinking {technique} for {target}",
        )
    )


def _abstract(rng, kind, words):
    """Several sentences; about four research abstracts in ten have a second paragraph."""
    if kind.slug == "social":
        return " ".join(sentence.format(**words) for sentence in SOCIAL_SENTENCES)
    if kind.slug == "keynote":
        first, second = KEYNOTE_SENTENCES[:2], KEYNOTE_SENTENCES[2:]
        return "\n\n".join(
            " ".join(sentence.format(**words) for sentence in part) for part in (first, second)
        )
    if kind.slug in ("tutorial", "workshop", "panel"):
        sentences = rng.sample(SESSION_SENTENCES, 3)
        return " ".join(sentence.format(**words) for sentence in sentences)
    first = [
        rng.choice(RESEARCH_CONTEXT),
        rng.choice(RESEARCH_GAP),
        rng.choice(RESEARCH_APPROACH),
    ]
    if rng.random() < 0.5:
        first.append(rng.choice(RESEARCH_INSIGHT))
    if rng.random() < 0.4:  # results in a paragraph of their own
        paragraphs = [first, rng.sample(RESEARCH_RESULTS, rng.randint(2, 3))]
    else:
        paragraphs = [first + rng.sample(RESEARCH_RESULTS, rng.randint(1, 2))]
    return "\n\n".join(
        " ".join(sentence.format(**words) for sentence in paragraph) for paragraph in paragraphs
    )


def title_case(phrase):
    """'mixture-of-experts training' -> 'Mixture-of-Experts Training'; acronyms stay."""

    def part(word, first):
        if word in SMALL_WORDS and not first:
            return word
        return word[:1].upper() + word[1:]

    return " ".join(
        "-".join(part(piece, first=(i == 0 and j == 0)) for j, piece in enumerate(word.split("-")))
        for i, word in enumerate(phrase.split(" "))
    )


def speaker_profile(name):
    """(affiliation, bio) for a generated name: the same in every edition and every seed."""
    rng = random.Random(f"speaker:{name}")
    first_name = name.split(" ")[0]
    if rng.random() < 0.5:
        affiliation, role = rng.choice(UNIVERSITIES), rng.choice(ACADEMIC_ROLES)
    else:
        affiliation, role = rng.choice(COMPANIES), rng.choice(INDUSTRY_ROLES)
    topics = rng.sample(TECHNIQUES, 2)
    bio = [
        f"{name} is {role} at {affiliation}, working on {topics[0]} and {topics[1]} "
        f"for {rng.choice(TARGETS)}."
    ]
    if rng.random() < 0.6:
        past = rng.choice(PAST_WORK).format(
            company=rng.choice(COMPANIES), university=rng.choice(UNIVERSITIES)
        )
        bio.append(f"Before joining {affiliation}, {first_name} {past}.")
    if rng.random() < 0.3:
        bio.append(f"{first_name}'s work has received {rng.choice(AWARDS)}.")
    return affiliation, " ".join(bio)
