"""The demo bot's test suite as plain data (loaded by `seed_demo`); it passes against the
offline engine: `python manage.py test_bots --bot acme-support`."""

from botbuilder.demo import DEMO_BOT_SLUG

ORDER_LOOKUP = {"kind": "tool_called", "tool": "get_order_status"}
NOT_UNKNOWN = {"kind": "not_contains", "text": "I don't have information"}

TESTS = [
    {
        "name": "Opening hours are given",
        "kind": "reply",
        "caller_turn": "what are your opening hours",
        "checks": [
            {"kind": "contains", "text": "Monday to Friday"},
            {"kind": "regex", "pattern": r"nine .* six"},
        ],
    },
    {
        "name": "Refund question gets the refund answer",
        "kind": "reply",
        "caller_turn": "can i get a refund",
        "checks": [{"kind": "contains", "text": "thirty days"}, NOT_UNKNOWN],
    },
    {
        "name": "Shipping cost after a greeting",
        "kind": "reply",
        "history": ["hello"],
        "caller_turn": "how much does shipping cost",
        "checks": [{"kind": "contains", "text": "four dollars ninety five"}],
    },
    {
        "name": "Order status is looked up with the order number",
        "kind": "tool",
        "caller_turn": "where is my order 7",
        "checks": [
            {**ORDER_LOOKUP, "arguments": {"order_number": {"exact": "7"}}},
            {"kind": "contains", "text": "shipped"},
        ],
    },
    {
        "name": "A lost parcel is reported (mocked order system)",
        "kind": "tool",
        "caller_turn": "where is my order 777",
        "checks": [
            {**ORDER_LOOKUP, "arguments": {"order_number": {"regex": r"^\d+$"}}},
            {"kind": "contains", "text": "lost"},
        ],
        "mocks": [
            {"tool": "get_order_status", "output": {"status": "lost in transit"}}
        ],
        "unmatched_tool_calls": "fail",
    },
    {
        "name": "A payment question needs no order lookup",
        "kind": "tool",
        "caller_turn": "which payment methods do you accept",
        "checks": [
            {"kind": "tool_not_called", "tool": "get_order_status"},
            {"kind": "contains", "text": "PayPal"},
        ],
    },
    {
        "name": "Damaged parcel, then payment",
        "kind": "scenario",
        "turns": [
            {
                "say": "my parcel was broken",
                "checks": [{"kind": "contains", "text": "replacement"}],
                "latency_budget_ms": 5000,
            },
            {
                "say": "which payment methods do you accept",
                "checks": [{"kind": "contains", "text": "PayPal"}],
                "latency_budget_ms": 5000,
            },
        ],
    },
    {
        "name": "Caller interrupts the opening hours",
        "kind": "scenario",
        "turns": [
            {"say": "what are your opening hours"},
            {
                "say": "do you deliver on weekends",
                "barge_in_ms": 1500,
                "checks": [{"kind": "contains", "text": "Saturdays"}],
            },
        ],
    },
    {
        "name": "Impatient caller wants a refund (simulation)",
        "kind": "simulation",
        "persona": "An impatient customer who bought a kettle that stopped working.",
        "goal": "Find out how to return the kettle and get the money back.",
        "max_turns": 6,
        "criteria": ["The bot explains the thirty-day return policy."],
    },
]

SUITES = {DEMO_BOT_SLUG: TESTS}
