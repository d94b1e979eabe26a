"""Spoken and text turns against the engine: VAD, transcription, knowledge, tools, barge-in."""

import json

from realtime.audio import array_to_pcm16, resample, ulaw_encode
from tests.realtime.engine.conftest import SEARCH_TOOL, spoken

OPENING_HOURS = (
    "Our opening hours are Monday to Friday from nine in the morning to six "
    "in the evening."
)


async def test_vad_turn_is_transcribed_and_answered_from_knowledge(client):
    await client.update()
    await client.append_audio(array_to_pcm16(spoken("what are your opening hours")))
    started = await client.until("input_audio_buffer.speech_started")
    stopped = await client.until("input_audio_buffer.speech_stopped")
    assert 0 <= started["audio_start_ms"] < stopped["audio_end_ms"]
    committed = await client.until("input_audio_buffer.committed")
    completed = await client.until(
        "conversation.item.input_audio_transcription.completed"
    )
    assert completed["item_id"] == committed["item_id"] == started["item_id"]
    assert "opening hours" in completed["transcript"]
    done = await client.until("response.done")
    response = done["response"]
    assert response["status"] == "completed"
    assert response["output"][0]["content"][0]["transcript"] == OPENING_HOURS
    usage = response["usage"]
    assert (
        usage["input_token_details"]["audio_tokens"] >= 15
    )  # ~1.5 s+ of speech at 10/s
    assert usage["output_token_details"]["audio_tokens"] > 50  # several seconds at 20/s
    types = client.types()
    order = [
        "input_audio_buffer.committed",
        "response.created",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_audio.delta",
        "response.output_audio.done",
        "response.output_audio_transcript.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.done",
    ]
    assert [types.index(t) for t in order] == sorted(types.index(t) for t in order)


async def test_audio_deltas_are_short_pcm16_pieces(client):
    await client.update()
    await client.send(
        "response.create",
        response={
            "instructions": "Say exactly this to the caller, word for word: Thank you."
        },
    )
    await client.until("response.done")
    deltas = [e for e in client.events if e["type"] == "response.output_audio.delta"]
    sizes = {len(__import__("base64").b64decode(d["delta"])) for d in deltas}
    assert max(sizes) <= 2400  # at most 50 ms of 24 kHz PCM16
    assert len(deltas) >= 10


async def test_function_call_round_trip_speaks_the_output(client):
    await client.update()
    await client.say_user_text("where is my order four five six seven")
    await client.send("response.create")
    done = await client.until("response.done")
    call = done["response"]["output"][0]
    assert call["type"] == "function_call" and call["name"] == "get_order_status"
    assert json.loads(call["arguments"]) == {"order_number": "4567"}
    args_done = next(
        e for e in client.events if e["type"] == "response.function_call_arguments.done"
    )
    assert args_done["call_id"] == call["call_id"]
    output = {
        "order_number": "4567",
        "status": "shipped",
        "expected_delivery": "in two working days",
    }
    await client.send(
        "conversation.item.create",
        item={
            "type": "function_call_output",
            "call_id": call["call_id"],
            "output": json.dumps(output),
        },
    )
    await client.send("response.create")
    done = await client.until("response.done")
    transcript = done["response"]["output"][0]["content"][0]["transcript"]
    assert (
        transcript
        == "Order 4567: status shipped, expected delivery in two working days."
    )


async def test_text_only_turn_streams_text_without_audio(client):
    await client.update(output_modalities=["text"])
    await client.say_user_text("can I return an item for a refund")
    await client.send("response.create")
    done = await client.until("response.done")
    part = done["response"]["output"][0]["content"][0]
    assert part == {
        "type": "output_text",
        "text": "You can return any item within thirty days of delivery for a "
        "full refund.",
    }
    assert "response.output_text.done" in client.types()
    assert "response.output_audio.delta" not in client.types()
    assert done["response"]["usage"]["output_token_details"]["audio_tokens"] == 0


async def test_unknown_question_gets_a_plain_no_information(client):
    await client.update()
    await client.say_user_text("what is the capital of mongolia")
    await client.send("response.create")
    done = await client.until("response.done")
    transcript = done["response"]["output"][0]["content"][0]["transcript"]
    assert "don't have information" in transcript


async def test_search_knowledge_is_called_and_its_best_result_spoken(client):
    await client.update(tools=[SEARCH_TOOL])
    await client.say_user_text("do you deliver on weekends")
    await client.send("response.create")
    done = await client.until("response.done")
    call = done["response"]["output"][0]
    assert call["name"] == "search_knowledge"
    query = json.loads(call["arguments"])["query"]
    assert query.startswith(
        "do you deliver on weekends"
    )  # plus synonyms, e.g. delivery
    results = {
        "results": [
            {"title": "Payment methods", "content": "We accept credit cards."},
            {
                "title": "Weekend delivery",
                "content": "We deliver on Saturdays in major cities.",
            },
        ]
    }
    await client.send(
        "conversation.item.create",
        item={
            "type": "function_call_output",
            "call_id": call["call_id"],
            "output": json.dumps(results),
        },
    )
    await client.send("response.create")
    done = await client.until("response.done")
    assert done["response"]["output"][0]["content"][0]["transcript"] == (
        "We deliver on Saturdays in major cities."
    )


async def test_empty_search_results_mean_no_information(client):
    await client.update(tools=[SEARCH_TOOL])
    await client.say_user_text("do you sell garden gnomes")
    await client.send("response.create")
    call = (await client.until("response.done"))["response"]["output"][0]
    await client.send(
        "conversation.item.create",
        item={
            "type": "function_call_output",
            "call_id": call["call_id"],
            "output": json.dumps({"results": []}),
        },
    )
    await client.send("response.create")
    done = await client.until("response.done")
    assert (
        "don't have information"
        in done["response"]["output"][0]["content"][0]["transcript"]
    )


async def test_exact_line_out_of_band_is_spoken_word_for_word(client):
    await client.update()
    text = "Hello, this is Acme Shop support. How can I help you today?"
    await client.send(
        "response.create",
        response={
            "conversation": "none",
            "metadata": {"purpose": "greeting"},
            "instructions": f"Say exactly this to the caller, word for word: {text}",
        },
    )
    done = await client.until("response.done")
    assert done["response"]["conversation_id"] is None
    assert done["response"]["metadata"] == {"purpose": "greeting"}
    assert done["response"]["output"][0]["content"][0]["transcript"] == text
    assert "conversation.item.added" not in client.types()


async def test_model_first_response_greets(client):
    await client.update()
    await client.send("response.create")
    done = await client.until("response.done")
    assert done["response"]["output"][0]["content"][0]["transcript"].startswith("Hello")


async def test_caller_speaking_over_a_response_interrupts_it(client):
    await client.update()
    await client.send(
        "response.create",
        response={
            "instructions": "Say exactly this to the caller, word for word: "
            + "Please hold. " * 40
        },
    )
    await client.until("response.output_audio.delta")
    await client.append_audio(array_to_pcm16(spoken("what are your opening hours")))
    await client.until("input_audio_buffer.speech_started")
    done = await client.until("response.done")
    assert done["response"]["status"] == "cancelled"
    assert done["response"]["status_details"]["reason"] == "turn_detected"
    answer = await client.until(
        "response.done"
    )  # the caller's question is answered next
    assert answer["response"]["output"][0]["content"][0]["transcript"] == OPENING_HOURS


async def test_mulaw_input_is_understood(client):
    ulaw = {"type": "audio/pcmu"}
    await client.update(
        audio={
            "input": {
                "format": ulaw,
                "transcription": {"model": "whisper-1"},
                "turn_detection": {"type": "server_vad"},
            },
            "output": {"format": ulaw, "voice": "cedar"},
        }
    )
    audio_8k = resample(spoken("what are your opening hours"), 24000, 8000)
    await client.append_audio(ulaw_encode(audio_8k), chunk_bytes=160)
    completed = await client.until(
        "conversation.item.input_audio_transcription.completed"
    )
    assert "opening hours" in completed["transcript"]
    done = await client.until("response.done")
    assert done["response"]["output"][0]["content"][0]["transcript"] == OPENING_HOURS
    delta = next(e for e in client.events if e["type"] == "response.output_audio.delta")
    assert (
        len(__import__("base64").b64decode(delta["delta"])) == 320
    )  # 40 ms of 8 kHz μ-law


async def test_no_transcription_events_unless_configured(client):
    await client.update(audio={"input": {"transcription": None}})
    await client.append_audio(array_to_pcm16(spoken("what are your opening hours")))
    await client.until("response.done")
    assert not any("input_audio_transcription" in t for t in client.types())


async def test_manual_turn_commit_then_response_create(client):
    await client.update(
        audio={
            "input": {"turn_detection": None, "transcription": {"model": "whisper-1"}}
        }
    )
    await client.append_audio(array_to_pcm16(spoken("what are your opening hours")))
    await client.send("input_audio_buffer.commit")
    await client.until("input_audio_buffer.committed")
    await client.until("conversation.item.input_audio_transcription.completed")
    await client.send("response.create")
    done = await client.until("response.done")
    assert done["response"]["output"][0]["content"][0]["transcript"] == OPENING_HOURS
    assert "input_audio_buffer.speech_started" not in client.types()


async def test_response_create_right_after_a_manual_commit_waits_for_the_transcript(
    client,
):
    # Push-to-talk clients (the relay) send commit and response.create back to back.
    await client.update(
        audio={
            "input": {"turn_detection": None, "transcription": {"model": "whisper-1"}}
        }
    )
    await client.append_audio(array_to_pcm16(spoken("what are your opening hours")))
    await client.send("input_audio_buffer.commit")
    await client.send("response.create")
    done = await client.until("response.done")
    assert done["response"]["output"][0]["content"][0]["transcript"] == OPENING_HOURS
