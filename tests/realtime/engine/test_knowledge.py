"""The engine's knowledge: offline embeddings, passages, caching, fallbacks, failures."""

import json
import shutil
import socket

import numpy as np
import pytest

from realtime.engine import knowledge as knowledge_module
from realtime.engine import minilm, model_files, semantic
from realtime.engine.answer import answer_utterance, plan_response
from realtime.engine.dialogue import TRANSFER_REASON
from realtime.engine.knowledge import knowledge_for
from realtime.engine.passages import parse_passages
from realtime.engine.replies import reply_to_output
from realtime.engine.voices import EspeakVoice, for_language, session_language
from tests.realtime.engine.conftest import ORDER_TOOL, session_config

TRANSFER_TOOL = {
    "type": "function",
    "name": "transfer_to_human",
    "description": "Hand the caller over to a human colleague.",
    "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}},
}


def test_the_embedding_model_loads_without_any_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the engine tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(minilm, "_model", None)
    vectors = semantic.embed(
        ["where is my parcel", "track my package", "the weather is nice"]
    )
    assert vectors.shape == (3, minilm.MINILM_DIM)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_the_numpy_encoder_gives_sentence_transformers_similarities():
    # sentence-transformers' own README example for all-MiniLM-L6-v2:
    # model.similarity(...) gives 0.6660, 0.1046 and 0.1411.
    vectors = semantic.embed(
        [
            "The weather is lovely today.",
            "It's so sunny outside!",
            "He drove to the stadium.",
        ]
    )
    similarity = vectors @ vectors.T
    assert similarity[0, 1] == pytest.approx(0.6660, abs=2e-3)
    assert similarity[0, 2] == pytest.approx(0.1046, abs=2e-3)
    assert similarity[1, 2] == pytest.approx(0.1411, abs=2e-3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_loading_the_encoder_limits_blas_to_one_thread(monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setattr(minilm, "_model", None)
        minilm.model()
        blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == minilm.BLAS_THREADS for i in blas)


def test_model_files_that_are_not_upstreams_are_refused(tmp_path):
    source = minilm.model_dir()
    for name in minilm.UPSTREAM_SHA256:
        if name != "model.safetensors":
            shutil.copy(source / name, tmp_path / name)
    (tmp_path / "model.safetensors").symlink_to(source / "model.safetensors")
    minilm.verify(tmp_path)  # a faithful copy passes
    config = json.loads((tmp_path / "config.json").read_text())
    config["num_hidden_layers"] = 5
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(model_files.ModelFilesError, match="config.json"):
        minilm.MiniLM(tmp_path)


def test_a_spoken_turns_alternatives_are_embedded_in_one_pass(monkeypatch):
    passes = []
    real = minilm.MiniLM.embed

    def counting(self, texts):
        passes.append(list(texts))
        return real(self, texts)

    monkeypatch.setattr(minilm.MiniLM, "embed", counting)
    alternatives = [f"where is my order number {n} please" for n in range(8)]
    semantic.prime(alternatives)
    for text in alternatives:
        semantic.query_vector(text)
    assert passes == [alternatives]


def test_knowledge_is_embedded_once_per_session_texts(monkeypatch):
    built = []
    real = knowledge_module.build_knowledge
    monkeypatch.setattr(
        knowledge_module,
        "build_knowledge",
        lambda *a: built.append(1) or real(*a),
    )
    config = session_config(instructions="Parking: free parking behind the shop.")
    for _ in range(3):
        answer_utterance(config, "is there parking")
    assert len(built) == 1


def test_passages_come_from_lines_labels_headings_and_questions():
    text = """You are the support line of a bike shop. Keep answers short.
Opening hours: we are open Monday to Saturday from nine to six.
# Parking
- There is free parking behind the shop.
Q: Do you repair bikes?
A: Yes, repairs take two days.
If the caller is angry, stay calm."""
    assert parse_passages(text) == [
        ("Opening hours", "We are open Monday to Saturday from nine to six."),
        ("Parking", "There is free parking behind the shop."),
        ("Do you repair bikes?", "Yes, repairs take two days."),
    ]


def test_an_faq_pasted_into_the_instructions_answers_questions():
    config = session_config(
        instructions="# FAQ\nQ: Do you repair bikes?\nA: Yes, repairs take two days.\n"
        "Parking: there is free parking behind the shop.",
        tools=[],
    )
    assert answer_utterance(config, "do you do bike repairs").text == (
        "Yes, repairs take two days."
    )
    assert answer_utterance(config, "where can I park my car").text == (
        "There is free parking behind the shop."
    )


def test_nothing_matching_says_so_names_the_topics_and_offers_a_colleague():
    config = session_config(tools=[ORDER_TOOL, TRANSFER_TOOL])
    plan = answer_utterance(config, "do you sell bicycles")
    assert plan.calls == []
    assert plan.text.startswith("I'm sorry, I don't have information on that.")
    assert "opening hours and return policy" in plan.text
    assert plan.text.endswith("Would you like me to put you through to a colleague?")
    context = [
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "do you sell bicycles"}],
        },
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_audio", "transcript": plan.text}],
        },
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "yes please"}],
        },
    ]
    assert plan_response(config, context).calls == [
        ("transfer_to_human", {"reason": TRANSFER_REASON})
    ]


def test_without_a_transfer_tool_no_colleague_is_offered():
    plan = answer_utterance(session_config(tools=[ORDER_TOOL]), "do you sell bicycles")
    assert "don't have information" in plan.text
    assert "colleague" not in plan.text


@pytest.mark.parametrize(
    "output",
    [
        json.dumps({"error": "HTTP 500 from https://api.example.com: Traceback ..."}),
        json.dumps({"status": "failed", "message": "KeyError: 'sku'"}),
        "Traceback (most recent call last): File x.py",
    ],
)
def test_tool_failures_become_a_sentence_without_details(output):
    knowledge = knowledge_for(session_config(tools=[ORDER_TOOL, TRANSFER_TOOL]))
    plan = reply_to_output(knowledge, "get_order_status", output, {"order_number": "1"})
    assert plan.text == (
        "I'm sorry, I couldn't do that just now. "
        "Would you like me to put you through to a colleague?"
    )


def test_an_invalid_argument_is_asked_for_again():
    knowledge = knowledge_for(session_config(tools=[ORDER_TOOL]))
    output = json.dumps({"error": "invalid arguments: order_number must be digits"})
    plan = reply_to_output(knowledge, "get_order_status", output, {"order_number": "x"})
    assert plan.text == (
        "I'm sorry, I couldn't use that order number. What is your order number?"
    )
    assert plan.pending.kind == "ask" and plan.pending.param == "order_number"


def test_a_bot_in_another_language_speaks_with_that_languages_voice():
    config = session_config(
        instructions="# Language\nSpeak German (de). Answer in German."
    )
    assert session_language(config) == "de"
    marin = EspeakVoice("en-us+klatt3", 165, 50)
    assert for_language(marin, "de") == EspeakVoice("de+klatt3", 165, 50)
    assert for_language(marin, "en") == marin
    assert for_language(marin, "xx") == marin  # no such eSpeak voice: keep English


def test_a_bot_with_plain_text_knowledge_names_its_topics_too():
    config = session_config(
        instructions="Parking: free parking behind the shop.\n"
        "Q: Do you repair bikes?\nA: Yes, in two days.",
        tools=[],
    )
    plan = answer_utterance(config, "do you sell bicycle bells")
    assert plan.text == (
        "I'm sorry, I don't have information on that. I can help with parking."
    )
