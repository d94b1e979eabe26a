"""Typed questions through the engine's planner in-process: seconds, not minutes.

The same conversations as `engine_eval.py --mode typed` (the planner answers, the
simulated relay runs the tools, the planner speaks their output), without the websocket
and the audio: for tuning the matcher. The full eval stays the measure.

Run: .venv/bin/python bench/engine_typed_quick.py [--set tune,dev,dev2,issue] [--show miss]
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_eval_judge import judge  # noqa: E402
from engine_eval_setup import (  # noqa: E402
    QUESTION_SETS,
    Case,
    Search,
    demo_assembly,
    tool_output,
)

from realtime.engine.answer import plan_response  # noqa: E402

MAX_TOOL_ROUNDS = 3
# Issue 17's table, typed: examples the issue lets us test and tune on.
ISSUE_TABLE = [
    (
        "I bought a jacket and it does not fit me. Can I send it back and get my money?",
        "Return policy",
    ),
    (
        "Do I pay anything for postage if my basket is sixty dollars?",
        "Shipping costs and times",
    ),
    ("Can I pick up my order at your shop instead?", "none"),
    ("Do you take Apple Pay?", "Payment methods"),
    (
        "Where is my order? The order number is eight two nine one.",
        "get_order_status:8291",
    ),
    ("Has my order shipped yet? It is number 8291.", "get_order_status:8291"),
    ("When are you open?", "Opening hours"),
]


def converse(session: dict, search: Search, question: str) -> dict:
    """One typed conversation: answers spoken and calls made."""
    context = [
        {
            "type": "message",
            "role": "user",
            "id": "u1",
            "content": [{"type": "input_text", "text": question}],
        }
    ]
    answers, calls = [], []
    for n in range(MAX_TOOL_ROUNDS):
        plan = plan_response(session, context)
        if plan.text:
            answers.append(plan.text)
            context.append(
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": plan.text}],
                }
            )
        if not plan.calls:
            break
        for i, (name, args) in enumerate(plan.calls):
            calls.append((name, args))
            call_id = f"c{n}{i}"
            context.append(
                {
                    "type": "function_call",
                    "call_id": call_id,
                    "name": name,
                    "arguments": json.dumps(args),
                }
            )
            context.append(
                {
                    "type": "function_call_output",
                    "call_id": call_id,
                    "output": json.dumps(tool_output(name, args, search)),
                }
            )
    return {"answers": answers, "calls": calls}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="tune,dev,dev2,issue")
    parser.add_argument("--show", default="miss", choices=["all", "miss", "none"])
    options = parser.parse_args()
    config, snapshot = demo_assembly()
    session = config.session_update()["session"]
    search = Search(
        snapshot, [s.id for s in snapshot.snippets if s.mode == "retrieved"]
    )
    snippets = {s.title: s.content for s in snapshot.snippets}
    for name in options.set.split(","):
        cases = (
            [Case(q, q, expected, ()) for q, expected in ISSUE_TABLE]
            if name == "issue"
            else QUESTION_SETS[name][0]
        )
        verdicts, started = [], time.perf_counter()
        for case in cases:
            result = converse(session, search, case.typed)
            verdict = judge(case.expected, result, snippets)
            verdicts.append(verdict)
            if options.show == "all" or (options.show == "miss" and verdict != "right"):
                said = (result["answers"] or [""])[-1][:60]
                print(
                    f"{verdict:8} {name:5} {case.typed[:60]:60} -> {result['calls'][:1]} {said}"
                )
        n = len(verdicts)
        print(
            f"== {name}: n={n} right={verdicts.count('right') / n:.3f} "
            f"wrong={verdicts.count('wrong') / n:.3f} "
            f"({(time.perf_counter() - started) / n * 1000:.1f} ms a question)"
        )


if __name__ == "__main__":
    main()
