"""The held-out set of bench/engine_eval.py: callers' own words for the demo bot.

Written before the engine was changed for issue 17 and never tuned on: the engine is tuned
on the "tune" and "dev" sets (engine_eval_setup.py); this set only measures it.

Each entry is (typed text, spoken text, expected). The typed text is what a caller types
in the preview (capitals, punctuation, digits); the spoken text is what eSpeak says, with
numbers as words. Expected is one of:
  - a snippet title of botbuilder/demo.py: that snippet's text must be spoken;
  - a tool name: that tool must be called;
  - "get_order_status:<digits>": the order tool, called with that order number;
  - "ask:get_order_status": no call yet, the engine asks for the order number;
  - "none": the knowledge cannot answer; any snippet or tool call is a wrong answer.
"""

HELDOUT_QUESTIONS = [
    # Opening hours
    (
        "Are you open on bank holidays?",
        "are you open on bank holidays",
        "Opening hours",
    ),
    (
        "What time do you close on Fridays?",
        "what time do you close on fridays",
        "Opening hours",
    ),
    (
        "Can I reach you on a Saturday afternoon?",
        "can i reach you on a saturday afternoon",
        "Opening hours",
    ),
    (
        "Until what time is the support line staffed?",
        "until what time is the support line staffed",
        "Opening hours",
    ),
    # Return policy
    (
        "These shoes are too small, can I exchange them?",
        "these shoes are too small can i exchange them",
        "Return policy",
    ),
    (
        "Is there a deadline for sending things back?",
        "is there a deadline for sending things back",
        "Return policy",
    ),
    (
        "Do I have to pay for the return label?",
        "do i have to pay for the return label",
        "Return policy",
    ),
    (
        "I changed my mind about a lamp I ordered. Can I get my money back?",
        "i changed my mind about a lamp i ordered can i get my money back",
        "Return policy",
    ),
    # Shipping costs and times
    (
        "How much is postage on a $30 order?",
        "how much is postage on a thirty dollar order",
        "Shipping costs and times",
    ),
    (
        "From what amount is delivery free?",
        "from what amount is delivery free",
        "Shipping costs and times",
    ),
    (
        "Is there a faster option than standard shipping?",
        "is there a faster option than standard shipping",
        "Shipping costs and times",
    ),
    (
        "How many days does standard delivery take?",
        "how many days does standard delivery take",
        "Shipping costs and times",
    ),
    # Weekend delivery (retrieved on demand)
    (
        "Can my parcel come on a Saturday?",
        "can my parcel come on a saturday",
        "Weekend delivery",
    ),
    (
        "Do your couriers bring packages on Sunday?",
        "do your couriers bring packages on sunday",
        "Weekend delivery",
    ),
    # Damaged items
    (
        "The mug I got was smashed in the box.",
        "the mug i got was smashed in the box",
        "Damaged items",
    ),
    (
        "My new headphones came with a cracked case, what now?",
        "my new headphones came with a cracked case what now",
        "Damaged items",
    ),
    (
        "Part of my delivery is broken.",
        "part of my delivery is broken",
        "Damaged items",
    ),
    # Payment methods
    (
        "Can I use a Visa card?",
        "can i use a visa card",
        "Payment methods",
    ),
    (
        "Do you accept gift vouchers?",
        "do you accept gift vouchers",
        "Payment methods",
    ),
    (
        "When is my card charged?",
        "when is my card charged",
        "Payment methods",
    ),
    (
        "Is it possible to pay by bank transfer?",
        "is it possible to pay by bank transfer",
        "Payment methods",
    ),
    # Changing a delivery address (retrieved on demand)
    (
        "I moved house. Can you send my order to my new flat?",
        "i moved house can you send my order to my new flat",
        "Changing a delivery address",
    ),
    (
        "I typed the wrong street on my order.",
        "i typed the wrong street on my order",
        "Changing a delivery address",
    ),
    # Cancelling a subscription (retrieved on demand)
    (
        "How do I stop my Acme Plus membership?",
        "how do i stop my acme plus membership",
        "Cancelling a subscription",
    ),
    (
        "I don't want the monthly plan anymore.",
        "i do not want the monthly plan anymore",
        "Cancelling a subscription",
    ),
    # Order status, numbers typed, spoken as words, spelled digit by digit
    (
        "Where is order 5532?",
        "where is order five five three two",
        "get_order_status:5532",
    ),
    (
        "My order number is 7 0 4 8, has it been sent?",
        "my order number is seven zero four eight has it been sent",
        "get_order_status:7048",
    ),
    (
        "Order 1290 still has not arrived.",
        "order twelve ninety still has not arrived",
        "get_order_status:1290",
    ),
    (
        "Can you track order number 66 for me?",
        "can you track order number double six for me",
        "get_order_status:66",
    ),
    (
        "I am waiting for parcel 3517, any news?",
        "i am waiting for parcel three five one seven any news",
        "get_order_status:3517",
    ),
    (
        "Order forty-two: has it shipped?",
        "order forty two has it shipped",
        "get_order_status:42",
    ),
    (
        "My order number is 9-0-1-3.",
        "my order number is nine oh one three",
        "get_order_status:9013",
    ),
    (
        "Where is my order?",
        "where is my order",
        "ask:get_order_status",
    ),
    (
        "I'd like to know when my package will arrive.",
        "i would like to know when my package will arrive",
        "ask:get_order_status",
    ),
    # A person
    (
        "Could I talk to a real person?",
        "could i talk to a real person",
        "transfer_to_human",
    ),
    (
        "Put me through to a member of your staff, please.",
        "put me through to a member of your staff please",
        "transfer_to_human",
    ),
    (
        "I'd rather speak with somebody on your team.",
        "i would rather speak with somebody on your team",
        "transfer_to_human",
    ),
    # Goodbye
    (
        "That's everything, thanks a lot.",
        "that is everything thanks a lot",
        "end_call",
    ),
    (
        "Great, have a nice day, bye!",
        "great have a nice day bye",
        "end_call",
    ),
    # What the knowledge cannot answer
    (
        "Do you have a shop in Berlin?",
        "do you have a shop in berlin",
        "none",
    ),
    (
        "Can you gift wrap a present for my sister?",
        "can you gift wrap a present for my sister",
        "none",
    ),
    (
        "What is the phone number for complaints?",
        "what is the phone number for complaints",
        "none",
    ),
    (
        "Are your products made from recycled material?",
        "are your products made from recycled material",
        "none",
    ),
    (
        "Do you offer student discounts?",
        "do you offer student discounts",
        "none",
    ),
    (
        "Do you ship to Canada?",
        "do you ship to canada",
        "none",
    ),
    (
        "What's the weather going to be like tomorrow?",
        "what is the weather going to be like tomorrow",
        "none",
    ),
    (
        "Is the jacket from your website available in blue?",
        "is the jacket from your website available in blue",
        "none",
    ),
    (
        "How do I reset my password?",
        "how do i reset my password",
        "none",
    ),
]

# Caller voices of this set only (eSpeak variant, words per minute, pitch): neither the
# tune set's nor the dev set's, at slow to fast rates. Each question is spoken in
# HELDOUT_VOICES_PER_QUESTION of them, in turn.
HELDOUT_VOICES = [
    ("en-us+m2", 150, 45),
    ("en-us+klatt6", 170, 50),
    ("en-us+f4", 160, 60),
    ("en-us+m5", 185, 40),
]
HELDOUT_VOICES_PER_QUESTION = 2
HELDOUT_SNR_DB = 18.0
