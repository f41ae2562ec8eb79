#!/usr/bin/env python3
"""Write the load-balancing scenarios: hotspot-16, uniform-64, churn-32
and chatty-8 (docs/experiments.md says what each shows).

    python3 scenarios/gen/balance_scenarios.py            # all four
    python3 scenarios/gen/balance_scenarios.py churn-32   # one
    python3 scenarios/gen/balance_scenarios.py --out DIR  # elsewhere

The generated JSON is committed and is what the experiments run; this
script is how it was made and how to make variants. Its output depends
only on the constants below: the random numbers come from splitmix64
written out here, not from Python's `random`, and the only library
arithmetic is math.log for exponential draws.

Job sizes are in simulated CPU time. A `worker` iteration is 835
instructions (clang 14 -O2, measured: `worker 10000` runs 8353204
instructions including 2903 to start and print), so a job of T seconds
on a node of M MIPS is round(T * M * 1e6 / 835) iterations.
"""

import json
import math
import os
import sys

WORKER_INSNS_PER_ITERATION = 835
MASK64 = (1 << 64) - 1


class SplitMix64:
    """splitmix64, the generator behind the simulator's seeding (rng.c)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        """A float in [0, 1) from the top 53 bits."""
        return (self.next_u64() >> 11) / float(1 << 53)

    def below(self, n):
        return self.next_u64() % n

    def exponential(self, mean):
        return -mean * math.log(1.0 - self.uniform())


def iterations(seconds, mips):
    return max(1, round(seconds * mips * 1e6 / WORKER_INSNS_PER_ITERATION))


def duration(ns):
    """Integer nanoseconds as an exact duration string in the largest
    unit that divides it: "2s", "15ms", "1234567us"."""
    for unit, scale in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if ns % scale == 0:
            return "%d%s" % (ns // scale, unit)
    return "%dns" % ns


def spawn(at_ns, node, program, args, count=1):
    """A spawn event; with a count, that many processes one after the
    other (the same run as the event written count times)."""
    action = {"node": node, "program": program, "args": args}
    if count > 1:
        action["count"] = count
    return {"at": duration(at_ns), "spawn": action}


def hotspot_16():
    mips, jobs = 100, 32
    work = iterations(1.0, mips)
    return {
        "name": "hotspot-16",
        "description": (
            "Load balancing from a hot spot: 32 CPU-bound workers of about 1 s of CPU each "
            "(worker %d at 100 MIPS) all start on node 0 of 16 at t=0. With the 'offer' policy "
            "node 0 offers work to the network and idle peers take it; with policy 'none' node 0 "
            "runs all 32 itself (makespan about 32 s). The lower bound is 2 s (32 s of work on "
            "16 nodes)." % work
        ),
        "seed": 16,
        "nodes": [{"count": 16, "cpu_mips": mips, "memory_mib": 64}],
        "balancer": {"policy": "offer"},
        "events": [spawn(0, 0, "worker", [str(work)], count=jobs)],
    }


def uniform_64():
    mips, nodes, window_s, mean_s, utilisation = 20, 64, 5.0, 0.2, 0.6
    rng = SplitMix64(64)
    rate = utilisation * nodes / mean_s  # arrivals per second
    events, t = [], 0.0
    while True:
        t += rng.exponential(1.0 / rate)
        if t >= window_s:
            break
        size = min(1.0, max(0.02, rng.exponential(mean_s)))
        at_ns = int(t * 1e6) * 1000  # whole microseconds
        events.append(spawn(at_ns, rng.below(nodes), "worker", [str(iterations(size, mips))]))
    return {
        "name": "uniform-64",
        "description": (
            "The control experiment: %d jobs arrive at random (Poisson, %.0f a second) on nodes "
            "chosen uniformly from 64 over %.0f s; sizes are exponential with mean %d ms, clipped "
            "to 20 ms .. 1 s; the cluster is about %d%% busy. Random placement leaves some "
            "imbalance, but little for a balancer to win: compare makespan, response times and "
            "migrations with policy 'none'. Nodes run at 20 MIPS so the run is quick; sizes are "
            "in simulated time." % (len(events), rate, window_s, mean_s * 1000, utilisation * 100)
        ),
        "seed": 64,
        "nodes": [{"count": nodes, "cpu_mips": mips, "memory_mib": 32}],
        "balancer": {"policy": "offer"},
        "events": events,
    }


def churn_32():
    mips, nodes, window_s = 20, 32, 8.0
    rng = SplitMix64(32)
    # (share, low, high) seconds: many tiny jobs, some medium, a few huge.
    classes = ((0.80, 0.01, 0.05), (0.15, 0.2, 0.5), (0.05, 2.0, 4.0))
    mean_s = sum(share * (low + high) / 2 for share, low, high in classes)
    base = 0.5 * nodes / mean_s  # arrivals per second for half load
    events, t = [], 0.0
    while True:
        # Busy and quiet seconds alternate: 1.7x and 0.3x the base rate.
        rate = base * (1.7 if int(t) % 2 == 0 else 0.3)
        t += rng.exponential(1.0 / rate)
        if t >= window_s:
            break
        pick, size = rng.uniform(), None
        for share, low, high in classes:
            if pick < share:
                size = low + (high - low) * rng.uniform()
                break
            pick -= share
        if size is None:
            size = classes[-1][1]
        at_ns = int(t * 1e6) * 1000
        events.append(spawn(at_ns, rng.below(nodes), "worker", [str(iterations(size, mips))]))
    return {
        "name": "churn-32",
        "description": (
            "Churn: %d jobs of very different sizes (80%% of 10-50 ms, 15%% of 0.2-0.5 s, 5%% of "
            "2-4 s) arrive on random nodes of 32 over %.0f s, in alternating busy and quiet "
            "seconds (about half load on average). A node that draws two huge jobs stays hot "
            "while others idle: the balancer should move long-running work and leave the short "
            "jobs alone (min_residency). Nodes run at 20 MIPS so the run is quick."
            % (len(events), window_s)
        ),
        "seed": 32,
        "nodes": [{"count": nodes, "cpu_mips": mips, "memory_mib": 32}],
        "balancer": {"policy": "offer"},
        "events": events,
    }


def chatty_8():
    pairs, messages, size = 4, 3000, 64
    every_ns, count = 5 * 10**6, 100000
    events = []
    for i in range(pairs):
        events.append(spawn(0, i, "sink", [str(messages), "10000"]))
    for i in range(pairs):
        events.append(spawn(10**6, pairs + i, "sender", ["n%d.1" % i, str(messages), str(size)]))
    # Every process hops to the next node every 5 ms, staggered so that
    # the moves of one pair interleave, until it exits.
    pids = ["n%d.1" % i for i in range(2 * pairs)]
    for k, pid in enumerate(pids):
        at = 10 * 10**6 + k * every_ns // len(pids)
        events.append({"at": duration(at), "migrate": {"pid": pid, "to": "next"},
                       "repeat": {"every": duration(every_ns), "count": count}})
    return {
        "name": "chatty-8",
        "description": (
            "Migration under traffic: %d senders each send %d messages of %d bytes to their sink "
            "(sender on node 4+i to sink n<i>.1), while every one of the 8 processes is moved to "
            "the next node every 5 ms until it exits (thousands of moves). Messages chase the "
            "moving sinks through forwarding; every sink must still print 'sink: %d messages in "
            "order'." % (pairs, messages, size, messages)
        ),
        "seed": 8,
        "max_time": "120s",
        "nodes": [{"count": 8, "cpu_mips": 100, "memory_mib": 16}],
        "balancer": {"policy": "none"},
        "events": events,
    }


SCENARIOS = {
    "hotspot-16": hotspot_16,
    "uniform-64": uniform_64,
    "churn-32": churn_32,
    "chatty-8": chatty_8,
}


def write(scenario, out_dir):
    """One event a line: diffs stay readable and the file stays small."""
    lines = ["{"]
    keys = [k for k in scenario if k != "events"]
    for k in keys:
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(scenario[k])))
    lines.append('  "events": [')
    events = scenario["events"]
    for i, ev in enumerate(events):
        lines.append("    %s%s" % (json.dumps(ev), "," if i + 1 < len(events) else ""))
    lines.append("  ]")
    lines.append("}")
    path = os.path.join(out_dir, scenario["name"] + ".json")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%s: %d events" % (path, len(events)))


def main(argv):
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    names = []
    args = iter(argv)
    for a in args:
        if a == "--out":
            out_dir = next(args)
        elif a in SCENARIOS:
            names.append(a)
        else:
            sys.exit("usage: balance_scenarios.py [--out DIR] [%s]..." % " | ".join(SCENARIOS))
    for name in names or list(SCENARIOS):
        write(SCENARIOS[name](), out_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
