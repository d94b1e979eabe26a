"""The second demo bot as plain data: a clinic's appointment triage line, with its
post-call analysis plan (urgency bucket, chief complaint, red flags, callback).

Loaded by `seed_demo` next to the shop bot of `botbuilder/demo.py`. The analysis plan is
written so the offline engine's rule-based answers (realtime/engine/analysis.py) give a
sensible triage result: the cue words after each choice are what it matches.
"""

CLINIC_BOT_SLUG = "riverside-triage"
CLINIC_VOICE = "Cedar (calm)"
# Tools of the shop bot the clinic bot shares (looked up by name).
SHARED_TOOLS = ("transfer_to_human", "end_call")

BOT = {
    "name": "Riverside Clinic triage line",
    "slug": CLINIC_BOT_SLUG,
    "model": "gpt-realtime-mini",
    "instructions": (
        "You answer the phone for {{clinic_name}}. Find out what the caller needs: a symptom, "
        "an appointment, or an administrative matter such as prescriptions or rescheduling. "
        "If the caller mentions chest pain, trouble breathing, heavy bleeding, fainting or "
        "signs of a stroke, tell them at once to call 911 or go to the nearest emergency "
        "department. Never diagnose. Offer a nurse callback when the caller wants one. Keep "
        "answers to two short sentences."
    ),
    "greeting": "Riverside Clinic, this is the triage line. What can I help you with?",
    "greeting_mode": "bot_greeting",
    "language": "en",
    "variable_defaults": {"clinic_name": "Riverside Clinic"},
    "max_session_s": 900,
    "retention_days": 30,
}

SNIPPETS = [
    {
        "title": "Emergency symptoms",
        "mode": "inline",
        "priority": 10,
        "tags": "clinic, triage",
        "content": "Chest pain, shortness of breath or trouble breathing, heavy bleeding, "
        "fainting, or a drooping face and slurred speech can be an emergency: please call "
        "911 now or go to the nearest emergency department.",
    },
    {
        "title": "Clinic opening hours",
        "mode": "inline",
        "priority": 8,
        "tags": "clinic",
        "content": "The clinic is open Monday to Friday from eight to six. Routine appointments "
        "are usually available within a week.",
    },
    {
        "title": "Repeat prescriptions",
        "mode": "inline",
        "priority": 6,
        "tags": "clinic, admin",
        "content": "Repeat prescriptions are ready two working days after you ask for them, at "
        "the clinic's front desk or your pharmacy.",
    },
    {
        "title": "Rescheduling an appointment",
        "mode": "inline",
        "priority": 5,
        "tags": "clinic, admin",
        "content": "To reschedule or cancel an appointment, tell us the day it was booked for; "
        "the front desk confirms the new time by text message.",
    },
]

TOOLS = [
    {
        "name": "request_nurse_callback",
        "kind": "static",
        "description": "Ask a nurse to call the caller back today, when the caller wants a "
        "callback about a symptom.",
        "parameters": {
            "type": "object",
            "properties": {
                "phone_number": {
                    "type": "string",
                    "description": "The number to call back, digits only.",
                }
            },
            "required": [],
        },
        "static_response": '{"status": "booked", "when": "today before six"}',
        "say_while_working": "One moment, I am booking the callback.",
    },
]

DATA_FIELDS = [
    {
        "name": "urgency",
        "field_type": "enum",
        "choices": ["urgent", "routine", "administrative"],
        "description": "How soon the caller needs care. urgent: chest pain, short of breath, "
        "trouble breathing, bleeding, fainted, stroke, emergency, 911; routine: check-up, "
        "rash, cough, sore throat, follow-up, vaccination, fever; administrative: "
        "prescription, reschedule, cancel, sick note, billing, test results.",
        "required": True,
    },
    {
        "name": "chief_complaint",
        "field_type": "string",
        "description": "The caller's main symptom, problem or request, in their words.",
        "examples": ["chest pain since this morning", "reschedule my appointment"],
        "required": True,
    },
    {
        "name": "red_flag_symptoms",
        "field_type": "json",
        "json_schema": {
            "type": "array",
            "items": {
                "type": "string",
                "enum": [
                    "chest pain",
                    "shortness of breath",
                    "heavy bleeding",
                    "fainting",
                    "stroke signs",
                ],
            },
        },
        "description": "Red-flag symptoms the caller mentions. shortness of breath: short of "
        "breath, trouble breathing, cannot breathe; heavy bleeding: bleeding heavily, a lot "
        "of blood; fainting: fainted, passed out; stroke signs: face drooping, slurred "
        "speech, numb arm.",
        "flags_review": True,
    },
    {
        "name": "callback_needed",
        "field_type": "boolean",
        "description": "True when the caller asks to be called back.",
        "examples": ["call me back", "call back", "callback", "ring me back"],
    },
]

CRITERIA = [
    {
        "name": "next_step_given",
        "instructions": 'Pass when the bot told the caller what happens next, such as "911", '
        '"emergency department", "call you back", "front desk" or "appointment".',
        "scoring": "binary",
    },
]

PLAN = {
    "summary_enabled": True,
    "summary_prompt": "Summarise the call for the triage nurse in two sentences: the "
    "caller's problem and what they were told.",
    "summary_language": "en",
    "min_turns": 1,
}
