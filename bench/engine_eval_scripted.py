"""Scripted spoken evaluation of the offline engine: decode once, then replay the answers.

Decodes every spoken question of the chosen sets with the session's language model
(`asr.transcribe` on the caller audio up to 100 ms after the speech, no VAD, no
websocket) and stores the n-best lists; then plays the engine's answering
(`answer.pick_hypothesis`, `answer.plan_response`, the simulated relay) on them, as fast
as the CPU allows. For tuning the answering on the tune and dev sets: a setting can be
tried in seconds, without decoding again. The full websocket run (engine_eval.py) is the
measure.

Also reports recognition: word accuracy of the best path and of the hypothesis the
answering picks, and the real-time factor of decoding (decode time / audio time). For
tuning recognition, `--decoder NAME=VALUE` passes a pocketsphinx option to every decoder
(e.g. `--decoder lw=8`) and `--const MODULE.NAME=VALUE` overrides a constant of
realtime/engine/asr.py or lm.py (e.g. `--const lm.SESSION_WEIGHT=0.7`) before decoding.

Run: .venv/bin/python bench/engine_eval_scripted.py --set dev --set tune [--hyps out.json]
"""

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np
from engine_eval_judge import judge, word_errors
from engine_eval_setup import (
    QUESTION_SETS,
    Search,
    caller_audio,
    demo_assembly,
    tool_output,
)

from realtime.engine import answer, asr, lm, recognisers
from realtime.engine.arguments import digits_in
from realtime.engine.recognisers import Recogniser, session_texts

TAIL_SAMPLES = 2400  # 100 ms at 24 kHz after the voiced part, like the VAD's padding
CALLER_RATE_HZ = 24000
TUNABLE_MODULES = {"asr": asr, "lm": lm}


def parse_value(text: str) -> object:
    """A command-line setting as bool, int, float or (else) str."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def apply_settings(decoder: list[str], consts: list[str]) -> None:
    """`--decoder` options into asr.DECODER_OPTIONS, `--const` values into modules."""
    for setting in decoder:
        name, _, value = setting.partition("=")
        asr.DECODER_OPTIONS[name] = parse_value(value)
    for setting in consts:
        target, _, value = setting.partition("=")
        module, _, name = target.partition(".")
        if not hasattr(TUNABLE_MODULES[module], name):
            raise SystemExit(f"no constant {target}")
        setattr(TUNABLE_MODULES[module], name, parse_value(value))


def decode(session: dict, names: list[str], recogniser: Recogniser) -> list[dict]:
    """n-best lists of every spoken question of `names`."""
    prepared = recogniser.prepare(session_texts(session))
    decoded = []
    for name in names:
        cases, seed, snr_db = QUESTION_SETS[name]
        rng = np.random.default_rng(seed)
        for case in cases:
            for voice in case.voices:
                audio, end = caller_audio(case.spoken, voice, snr_db, rng)
                turn = audio[: end + TAIL_SAMPLES]
                started = time.perf_counter()
                hypotheses = recogniser.transcribe(turn, CALLER_RATE_HZ, prepared)
                decoded.append(
                    {
                        "set": name,
                        "question": case.spoken,
                        "expected": case.expected,
                        "hypotheses": hypotheses,
                        "decode_s": time.perf_counter() - started,
                        "audio_s": turn.size / CALLER_RATE_HZ,
                    }
                )
    return decoded


def _message(role: str, kind: str, text: str, item_id: str = "") -> dict:
    key = "text" if kind == "input_text" else "transcript"
    return {
        "id": item_id,
        "type": "message",
        "role": role,
        "content": [{"type": kind, key: text}],
    }


def replay(session: dict, search: Search, utterance: dict) -> dict:
    """The engine's answers to one decoded question, the relay and caller simulated."""
    result = {"answers": [], "calls": []}
    hypotheses = utterance["hypotheses"]
    if not hypotheses:
        return result
    heard = answer.pick_hypothesis(session, hypotheses)
    context = [_message("user", "input_audio", heard, "u1")]
    confirmed = False
    for step in range(4):
        plan = answer.plan_response(session, context, alternatives={"u1": hypotheses})
        if plan.text:
            result["answers"].append(plan.text)
            context.append(_message("assistant", "output_audio", plan.text))
        for i, (name, args) in enumerate(plan.calls):
            result["calls"].append((name, args))
            call_id = f"c{step}{i}"
            context.append(
                {
                    "type": "function_call",
                    "call_id": call_id,
                    "name": name,
                    "arguments": json.dumps(args),
                }
            )
            output = json.dumps(tool_output(name, args, search))
            context.append(
                {"type": "function_call_output", "call_id": call_id, "output": output}
            )
        if plan.calls:
            if plan.calls[0][0] in ("search_knowledge", "get_order_status"):
                continue
            break
        if plan.text.startswith("Did you say") and not confirmed:
            confirmed = True
            wanted = utterance["expected"].partition(":")[2] or digits_in(
                utterance["question"]
            )
            reply = "yes" if digits_in(plan.text) == wanted else "no"
            context.append(_message("user", "input_text", reply, "u2"))
            continue
        break
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", choices=list(QUESTION_SETS))
    parser.add_argument(
        "--hyps", help="decoded n-best lists: read if present, else written"
    )
    parser.add_argument(
        "--decoder", action="append", default=[], help="pocketsphinx NAME=VALUE"
    )
    parser.add_argument(
        "--recogniser",
        default=recognisers.DEFAULT,
        choices=recognisers.NAMES,
        help="decode with this recogniser (default pocketsphinx)",
    )
    parser.add_argument(
        "--const", action="append", default=[], help="asr.NAME=VALUE or lm.NAME=VALUE"
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)
    apply_settings(args.decoder, args.const)
    names = args.set or ["dev", "tune"]
    assembly, snapshot = demo_assembly()
    session = assembly.session
    search = Search(snapshot, assembly.report.retrievable_snippet_ids)
    snippets = {s.title: s.content for s in snapshot.snippets}
    if args.hyps and Path(args.hyps).exists():
        decoded = [
            d for d in json.loads(Path(args.hyps).read_text()) if d["set"] in names
        ]
    else:
        decoded = decode(session, names, recognisers.get(args.recogniser))
        if args.hyps:
            Path(args.hyps).write_text(json.dumps(decoded))
    for name in names:
        in_set = [d for d in decoded if d["set"] == name]
        verdicts = [
            judge(d["expected"], replay(session, search, d), snippets) for d in in_set
        ]
        print(
            f"{name:8} spoken (scripted) n={len(verdicts)} answer "
            f"{verdicts.count('right') / len(verdicts):.3f} wrong "
            f"{verdicts.count('wrong') / len(verdicts):.3f} "
            f"{recognition_figures(session, in_set)}"
        )


def recognition_figures(session: dict, decoded: list[dict]) -> str:
    """Word accuracy of the best path and of the picked hypothesis; RTF of decoding."""
    ref_words = sum(len(d["question"].split()) for d in decoded)
    best = picked = 0
    for d in decoded:
        hypotheses = d["hypotheses"] or [""]
        best += word_errors(d["question"], hypotheses[0])
        chosen = answer.pick_hypothesis(session, hypotheses) if d["hypotheses"] else ""
        picked += word_errors(d["question"], chosen)
    figures = (
        f"words best {1 - best / ref_words:.3f} picked {1 - picked / ref_words:.3f}"
    )
    if decoded and "decode_s" in decoded[0]:
        rtf = sum(d["decode_s"] for d in decoded) / sum(d["audio_s"] for d in decoded)
        figures += f" rtf {rtf:.3f}"
    return figures


if __name__ == "__main__":
    main()
