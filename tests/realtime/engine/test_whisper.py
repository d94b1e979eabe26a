"""The opt-in Whisper recogniser: upstream's files only, no network, a session's topics as
its prompt, doubtful digits read back, and a spoken turn answered through the engine."""

import shutil
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from websockets.asyncio.client import connect

from realtime.audio import array_to_pcm16
from realtime.engine import model_files, recognisers, whisper
from realtime.engine.answer import answer_utterance
from realtime.engine.numbers import longest_number
from tests.fixtures.engine import start_engine
from tests.realtime.engine.conftest import (
    INSTRUCTIONS,
    ORDER_TOOL,
    SEARCH_TOOL,
    Client,
    session_config,
    spoken,
)


@pytest.fixture
def fresh_model(monkeypatch):
    """Load the model anew in this test (it is cached per process otherwise)."""
    monkeypatch.setattr(whisper, "_model", None)


def test_files_that_are_not_upstreams_are_refused(tmp_path, fresh_model, monkeypatch):
    source = whisper.model_dir()
    for name in whisper.UPSTREAM_SHA256:
        if name == "model.bin":
            (tmp_path / name).symlink_to(source / name)  # 75 MB: read, not copied
        else:
            shutil.copy(source / name, tmp_path / name)
    model_files.verify(tmp_path, whisper.UPSTREAM_SHA256, whisper.UPSTREAM)
    (tmp_path / "config.json").write_text('{"suppress_ids": []}')
    monkeypatch.setattr(whisper, "model_dir", lambda: tmp_path)
    with pytest.raises(model_files.ModelFilesError, match="config.json"):
        whisper.model()


def test_loads_and_hears_without_any_network(fresh_model, monkeypatch):
    """The model comes from the wheel's directory: nothing is fetched from a hub."""
    attempts = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    prompt = whisper.prompt_for(recognisers.session_texts(session_config()))
    heard = whisper.transcribe(spoken("what are your opening hours"), 24000, prompt)
    assert attempts == []
    assert heard and "opening hours" in heard[0].lower()


def test_the_prompt_names_the_bots_snippets_search_topics_and_tools():
    search = dict(
        SEARCH_TOOL,
        description="Search the knowledge base. Topics it covers include: Gift cards, "
        "Store locations.",
    )
    texts = recognisers.session_texts(
        session_config(tools=[ORDER_TOOL, search], instructions=INSTRUCTIONS)
    )
    prompt = whisper.prompt_for(texts)
    for topic in ("Opening hours", "Return policy", "get order status", "Gift cards"):
        assert topic in prompt
    # the snippets' opening sentences come first, the topics last (Whisper keeps the end)
    assert prompt.startswith("Our opening hours are Monday to Friday")
    assert prompt.endswith("Gift cards, Store locations.")
    assert len(prompt.split()) <= whisper.PROMPT_WORDS
    assert prompt == whisper.prompt_for(texts)  # the same session, the same prompt


def test_knowledge_written_as_plain_text_is_in_the_prompt_too():
    instructions = (
        "You are the front desk of a dental clinic.\n\n"
        "## Opening hours\n"
        "We are open Monday to Saturday from nine to six.\n\n"
        "## Parking\n"
        "Free parking is behind the building. Ask at the desk for a ticket.\n"
    )
    prompt = whisper.prompt_for(
        recognisers.session_texts({"instructions": instructions})
    )
    assert prompt == (
        "We are open Monday to Saturday from nine to six. Free parking is behind the "
        "building. A caller asks about Opening hours, Parking."
    )


def test_numbers_heard_with_low_probability_are_read_back_before_the_tool_runs():
    assert whisper._doubtful_numbers("Order 8291, please.", -0.2) is None
    assert whisper._doubtful_numbers("Where is my parcel?", -2.0) is None
    assert whisper._doubtful_numbers("Order 8291, please.", -0.9) == "Order ?, please."
    doubtful = whisper._doubtful_numbers("Order eight two nine-one.", -0.9)
    assert doubtful == "Order ? ? ?-?."
    session = session_config()
    sure = answer_utterance(session, "Where is order 8291?", ["Where is order 8291?"])
    assert sure.calls == [("get_order_status", {"order_number": "8291"})]
    unsure = answer_utterance(
        session,
        "Where is order 8291?",
        ["Where is order 8291?", whisper._doubtful_numbers("Where is order 8291?", -1)],
    )
    assert unsure.calls == []
    assert "eight two nine one" in unsure.text


def test_an_unknown_or_missing_recogniser_is_a_clear_error(monkeypatch):
    with pytest.raises(recognisers.RecogniserError, match="pocketsphinx, whisper"):
        recognisers.get("kaldi")
    monkeypatch.setattr(whisper, "available", lambda: "faster-whisper is not installed")
    with pytest.raises(recognisers.RecogniserError, match="not installed"):
        recognisers.get("whisper")
    with pytest.raises(CommandError, match="not installed"):
        call_command("realtime_engine", recogniser="whisper", port=0)


async def test_a_spoken_turn_is_heard_by_whisper_and_answered():
    engine = start_engine(recogniser=recognisers.get("whisper"))
    try:
        async with connect(engine.url + "?model=gpt-realtime-mini") as ws:
            client = Client(ws)
            await client.until("session.created")
            await client.update()
            pcm = spoken("can I send something back for a refund")
            await client.append_audio(array_to_pcm16(pcm))
            completed = await client.until(
                "conversation.item.input_audio_transcription.completed"
            )
            done = await client.until("response.done")
    finally:
        engine.stop()
    assert "refund" in completed["transcript"].lower()
    answer = done["response"]["output"][0]["content"][0]["transcript"]
    assert answer.startswith("You can return any item within thirty days")


def test_a_turn_with_a_number_heard_unsurely_carries_an_alternative_without_it(
    monkeypatch,
):
    prompt = whisper.prompt_for(recognisers.session_texts(session_config()))
    audio = spoken("where is order eight two nine one")
    monkeypatch.setattr(whisper, "NUMBER_MIN_LOGPROB", -100.0)  # every turn is sure
    sure = whisper.transcribe(audio, 24000, prompt)
    assert len(sure) == 1 and longest_number(sure[0])
    monkeypatch.setattr(whisper, "NUMBER_MIN_LOGPROB", 0.0)  # every turn is unsure
    unsure = whisper.transcribe(audio, 24000, prompt)
    assert len(unsure) == 2 and unsure[0] == sure[0]
    assert longest_number(unsure[1]) == "" and "?" in unsure[1]


def test_sessions_decoding_at_once_each_hear_their_own_words():
    """The engine's worker threads share one model: concurrent turns must not mix."""
    prompt = whisper.prompt_for(recognisers.session_texts(session_config()))
    turns = [spoken("what are your opening hours"), spoken("can I get a refund")]
    alone = [whisper.transcribe(t, 24000, prompt) for t in turns]
    with ThreadPoolExecutor(4) as pool:
        together = list(
            pool.map(lambda t: whisper.transcribe(t, 24000, prompt), turns * 2)
        )
    assert together == alone * 2
    assert alone[0] != alone[1]
