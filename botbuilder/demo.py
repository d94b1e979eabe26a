"""The demo bot as plain data: an online shop's support line (loaded by `seed_demo`).

Also the material of `bench/engine_eval.py`, so what a newcomer talks to is what is measured.
"""

DEMO_BOT_SLUG = "acme-support"

VOICES = [
    {
        "name": "Marin (warm)",
        "provider_voice": "marin",
        "speed": 1.0,
        "description": "Warm, clear voice for customer support.",
        "offline_voice": "en-us+klatt3",
        "offline_rate_wpm": 165,
        "offline_pitch": 50,
    },
    {
        "name": "Cedar (calm)",
        "provider_voice": "cedar",
        "speed": 0.95,
        "description": "Calm, lower voice for longer explanations.",
        "offline_voice": "en-us+klatt5",
        "offline_rate_wpm": 155,
        "offline_pitch": 40,
    },
    {
        "name": "Alloy (neutral)",
        "provider_voice": "alloy",
        "speed": 1.0,
        "description": "Neutral voice that every model supports.",
        "offline_voice": "en-us+f3",
        "offline_rate_wpm": 165,
        "offline_pitch": 55,
    },
]

BOT = {
    "name": "Acme Shop support line",
    "slug": DEMO_BOT_SLUG,
    "model": "gpt-realtime-2.1-mini",
    "instructions": (
        "You are the friendly voice of {{shop_name}}'s customer support line. Help callers with "
        "returns, shipping, opening hours and their orders. Keep answers to two short sentences. "
        "Use the knowledge and tools you are given; if you do not know, say so and offer to "
        "hand the caller to a colleague. The caller's name, if known: {{customer_name}}."
    ),
    "greeting": "Hello, this is {{shop_name}} support. How can I help you today?",
    "greeting_mode": "bot_greeting",
    "language": "en",
    "variable_defaults": {"shop_name": "Acme Shop", "customer_name": "unknown"},
    "idle_reminder_after_s": 20,
    "idle_reminder_max": 2,
    "idle_reminder_text": "Are you still there? I am happy to help with returns, shipping or your order.",
    "max_session_s": 1800,
    "knowledge_token_budget": 1000,
    "retention_days": 90,
}
BOT_VOICE = "Marin (warm)"

SNIPPETS = [
    {
        "title": "Opening hours",
        "mode": "inline",
        "priority": 10,
        "tags": "hours, faq",
        "content": "Our opening hours are Monday to Friday from nine in the morning to six in the "
        "evening, and Saturday from ten to two. We are closed on Sundays and public holidays.",
    },
    {
        "title": "Return policy",
        "mode": "inline",
        "priority": 9,
        "tags": "returns, faq",
        "content": "You can return any item within thirty days of delivery for a full refund. The "
        "item must be unused and in its original packaging. Returns are free with the "
        "prepaid label in your parcel.",
    },
    {
        "title": "Shipping costs and times",
        "mode": "inline",
        "priority": 8,
        "tags": "shipping, faq",
        "content": "Standard shipping costs four dollars ninety five and takes three to five working "
        "days. Shipping is free on orders over fifty dollars. Express delivery the next "
        "working day costs twelve dollars.",
    },
    {
        "title": "Weekend delivery",
        "mode": "retrieved",
        "priority": 5,
        "tags": "shipping",
        "content": "We deliver on Saturdays in major cities for an extra five dollars. There is no "
        "delivery on Sundays.",
    },
    {
        "title": "Damaged items",
        "mode": "inline",
        "priority": 7,
        "tags": "returns",
        "content": "If an item arrived damaged, tell us within seven days and we send a replacement "
        "at no cost. Please keep the packaging for the courier.",
    },
    {
        "title": "Payment methods",
        "mode": "inline",
        "priority": 6,
        "tags": "payment",
        "content": "We accept credit cards, debit cards, PayPal and gift cards. Payment is taken "
        "when your order ships.",
    },
    {
        "title": "Changing a delivery address",
        "mode": "retrieved",
        "priority": 3,
        "tags": "shipping",
        "content": "You can change the delivery address until the order ships, in your account "
        "under orders, or by asking us on this line.",
    },
    {
        "title": "Cancelling a subscription",
        "mode": "retrieved",
        "priority": 2,
        "tags": "account",
        "content": "You can cancel the Acme Plus subscription at any time in your account settings. "
        "The subscription stays active until the end of the paid month.",
    },
]

TOOLS = [
    {
        "name": "get_order_status",
        "kind": "static",
        "description": "Look up the delivery status of an order by its order number.",
        "parameters": {
            "type": "object",
            "properties": {
                "order_number": {
                    "type": "string",
                    "description": "The order number, digits only.",
                }
            },
            "required": ["order_number"],
        },
        "static_response": '{"order_number": "{order_number}", "status": "shipped", '
        '"expected_delivery": "in two working days"}',
        "say_while_working": "One moment, let me check that order.",
    },
    {
        "name": "transfer_to_human",
        "kind": "builtin",
        "builtin": "transfer_call",
        "description": "Hand the caller over to a human colleague when they ask for a person or "
        "the bot cannot help.",
        "parameters": {
            "type": "object",
            "properties": {
                "reason": {
                    "type": "string",
                    "description": "Why the caller needs a human.",
                }
            },
            "required": [],
        },
    },
    {
        "name": "end_call",
        "kind": "builtin",
        "builtin": "end_session",
        "description": "End the call politely when the caller says goodbye or has no more questions.",
        "parameters": {
            "type": "object",
            "properties": {
                "closing_line": {
                    "type": "string",
                    "description": "What to say before hanging up.",
                }
            },
            "required": [],
        },
    },
]

# Spoken questions for the offline engine's evaluation: (question, expected snippet or tool).
EVAL_QUESTIONS = [
    ("what are your opening hours", "Opening hours"),
    ("when are you open on saturday", "Opening hours"),
    ("are you open on sunday", "Opening hours"),
    ("i would like to return my order", "Return policy"),
    ("how many days do i have to return an item", "Return policy"),
    ("can i get a refund", "Return policy"),
    ("how much does shipping cost", "Shipping costs and times"),
    ("how long does delivery take", "Shipping costs and times"),
    ("do you have express delivery", "Shipping costs and times"),
    ("do you deliver on weekends", "Weekend delivery"),
    ("the item arrived damaged", "Damaged items"),
    ("my parcel was broken", "Damaged items"),
    ("which payment methods do you accept", "Payment methods"),
    ("can i pay with paypal", "Payment methods"),
    ("i need to change my delivery address", "Changing a delivery address"),
    ("i want to cancel my subscription", "Cancelling a subscription"),
    ("where is my order four five six seven", "get_order_status"),
    ("what is the status of order one two three", "get_order_status"),
    ("can i speak to a human please", "transfer_to_human"),
    ("i want to talk to a person", "transfer_to_human"),
    ("no thank you goodbye", "end_call"),
    ("that is all thank you bye", "end_call"),
]
