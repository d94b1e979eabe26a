"""A second tuning set of bench/engine_eval.py: callers' own words for the demo bot.

Written on 2 Dec 2026, after the held-out set (bench/engine_heldout.py) and without
reading its results, because the first two tuning sets ("tune", "dev") are short
questions in the knowledge's own words: a matcher tuned on them alone learns little about
how callers put things. The engine may be tuned on this set; the held-out set still only
measures.

Each entry is (typed text, spoken text, expected), as in engine_heldout.py: a snippet
title, a tool name, "get_order_status:<digits>", "ask:get_order_status" or "none".
"""

DEV2_QUESTIONS = [
    # Opening hours
    (
        "When do you open in the morning?",
        "when do you open in the morning",
        "Opening hours",
    ),
    ("Is anybody there on Sundays?", "is anybody there on sundays", "Opening hours"),
    (
        "What are your hours on a Saturday?",
        "what are your hours on a saturday",
        "Opening hours",
    ),
    (
        "Can I call you at seven in the evening?",
        "can i call you at seven in the evening",
        "Opening hours",
    ),
    (
        "Are you closed on Christmas day?",
        "are you closed on christmas day",
        "Opening hours",
    ),
    # Return policy
    (
        "The dress I got is the wrong size. What can I do?",
        "the dress i got is the wrong size what can i do",
        "Return policy",
    ),
    (
        "How long do I have to bring something back?",
        "how long do i have to bring something back",
        "Return policy",
    ),
    (
        "I'd like a refund for a toaster I bought last week.",
        "i would like a refund for a toaster i bought last week",
        "Return policy",
    ),
    ("Do returns cost me anything?", "do returns cost me anything", "Return policy"),
    (
        "Can I return something I already opened?",
        "can i return something i already opened",
        "Return policy",
    ),
    (
        "I don't like the chair I ordered, I want to give it back.",
        "i do not like the chair i ordered i want to give it back",
        "Return policy",
    ),
    # Shipping costs and times
    (
        "What do you charge for delivery?",
        "what do you charge for delivery",
        "Shipping costs and times",
    ),
    (
        "If I order today, when will it get here?",
        "if i order today when will it get here",
        "Shipping costs and times",
    ),
    (
        "Is shipping free if I spend more?",
        "is shipping free if i spend more",
        "Shipping costs and times",
    ),
    (
        "I need it by tomorrow, is that possible?",
        "i need it by tomorrow is that possible",
        "Shipping costs and times",
    ),
    (
        "How much extra for next day delivery?",
        "how much extra for next day delivery",
        "Shipping costs and times",
    ),
    (
        "My basket is $45, do I pay for shipping?",
        "my basket is forty five dollars do i pay for shipping",
        "Shipping costs and times",
    ),
    # Weekend delivery (retrieved on demand)
    (
        "Can the parcel come on a Saturday?",
        "can the parcel come on a saturday",
        "Weekend delivery",
    ),
    (
        "Do your couriers work on Sundays?",
        "do your couriers work on sundays",
        "Weekend delivery",
    ),
    (
        "I'm only home at the weekend. Can you deliver then?",
        "i am only home at the weekend can you deliver then",
        "Weekend delivery",
    ),
    # Damaged items
    (
        "The glass was shattered when I opened the box.",
        "the glass was shattered when i opened the box",
        "Damaged items",
    ),
    (
        "My new phone case came with a crack in it.",
        "my new phone case came with a crack in it",
        "Damaged items",
    ),
    (
        "Something I ordered is broken, what now?",
        "something i ordered is broken what now",
        "Damaged items",
    ),
    (
        "The package was crushed and the vase inside is ruined.",
        "the package was crushed and the vase inside is ruined",
        "Damaged items",
    ),
    # Payment methods
    ("Can I use my Visa?", "can i use my visa", "Payment methods"),
    ("Do you accept gift vouchers?", "do you accept gift vouchers", "Payment methods"),
    (
        "When do you take the money from my card?",
        "when do you take the money from my card",
        "Payment methods",
    ),
    ("What ways can I pay?", "what ways can i pay", "Payment methods"),
    # Changing a delivery address (retrieved on demand)
    (
        "I moved house, can you send my order to the new place?",
        "i moved house can you send my order to the new place",
        "Changing a delivery address",
    ),
    (
        "I typed the wrong street for my delivery.",
        "i typed the wrong street for my delivery",
        "Changing a delivery address",
    ),
    (
        "Can my order go to my office instead of my home?",
        "can my order go to my office instead of my home",
        "Changing a delivery address",
    ),
    # Cancelling a subscription (retrieved on demand)
    (
        "How do I stop my Acme Plus membership?",
        "how do i stop my acme plus membership",
        "Cancelling a subscription",
    ),
    (
        "I don't want to be charged for Acme Plus any more.",
        "i do not want to be charged for acme plus any more",
        "Cancelling a subscription",
    ),
    (
        "If I cancel Acme Plus today, does it end right away?",
        "if i cancel acme plus today does it end right away",
        "Cancelling a subscription",
    ),
    # Order status
    (
        "Where's my parcel? Order 5512.",
        "where is my parcel order five five one two",
        "get_order_status:5512",
    ),
    (
        "Could you check on order number 3390 for me?",
        "could you check on order number three three nine oh for me",
        "get_order_status:3390",
    ),
    (
        "Has order 7781 left the warehouse?",
        "has order seven seven eight one left the warehouse",
        "get_order_status:7781",
    ),
    (
        "I'm waiting for order 2046, any news?",
        "i am waiting for order two oh four six any news",
        "get_order_status:2046",
    ),
    ("Can you track my order?", "can you track my order", "ask:get_order_status"),
    (
        "My order still hasn't come.",
        "my order still has not come",
        "ask:get_order_status",
    ),
    (
        "What's happening with my delivery?",
        "what is happening with my delivery",
        "ask:get_order_status",
    ),
    # A person
    (
        "Can I have a real person, please?",
        "can i have a real person please",
        "transfer_to_human",
    ),
    (
        "Put me through to customer service.",
        "put me through to customer service",
        "transfer_to_human",
    ),
    (
        "I'd rather speak with a human being.",
        "i would rather speak with a human being",
        "transfer_to_human",
    ),
    (
        "Is there someone I can talk to?",
        "is there someone i can talk to",
        "transfer_to_human",
    ),
    # Goodbye
    ("That's everything, thanks a lot.", "that is everything thanks a lot", "end_call"),
    ("Great, goodbye then.", "great goodbye then", "end_call"),
    (
        "No more questions, have a nice day.",
        "no more questions have a nice day",
        "end_call",
    ),
    # What the knowledge cannot answer
    ("Do you sell garden furniture?", "do you sell garden furniture", "none"),
    ("Can I get a discount code?", "can i get a discount code", "none"),
    ("Where is your head office?", "where is your head office", "none"),
    ("Do you ship to Canada?", "do you ship to canada", "none"),
    ("Are you hiring at the moment?", "are you hiring at the moment", "none"),
    (
        "What is your phone number for press enquiries?",
        "what is your phone number for press enquiries",
        "none",
    ),
    ("Can I pay in instalments?", "can i pay in instalments", "Payment methods"),
    ("Do you have a loyalty card?", "do you have a loyalty card", "none"),
]

# Caller voices of this set only: neither the tune, dev nor held-out sets'.
DEV2_VOICES = [
    ("en-us+m1", 165, 45),
    ("en-us+klatt4", 155, 50),
    ("en-us+f1", 175, 60),
    ("en-us+m4", 150, 40),
]
DEV2_VOICES_PER_QUESTION = 2
DEV2_SNR_DB = 18.0
