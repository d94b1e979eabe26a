"""Numbers and identifiers in callers' words become the digits tools need."""

import pytest

from realtime.engine.arguments import extract_arguments
from realtime.engine.dialogue import agreement_on, yes_or_no
from realtime.engine.numbers import longest_number, number_runs, spoken_digits


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("the order number is eight two nine one", "8291"),
        ("8291", "8291"),
        ("my order number is 9-0-1-3", "9013"),
        ("it is 7 0 4 8", "7048"),
        ("nine oh one three", "9013"),
        ("forty-seven", "47"),
        ("order forty two has it shipped", "42"),
        ("double five", "55"),
        ("triple seven one", "7771"),
        ("twelve ninety", "1290"),
        ("three hundred and five", "305"),
        ("it is number four four seven", "447"),
    ],
)
def test_spoken_and_typed_numbers_become_digits(said, digits):
    assert longest_number(said) == digits


def test_oh_is_a_zero_only_among_numbers():
    assert number_runs("oh I see, order one two") == ["12"]


def test_spelled_letters_join_an_identifier():
    assert longest_number("my booking code is A B one two", letters=True) == "AB12"
    schema = {
        "type": "object",
        "properties": {"booking_code": {"type": "string", "description": "The code."}},
    }
    args = extract_arguments(schema, "my booking code is A B one two")
    assert args == {"booking_code": "AB12"}


def test_digits_only_arguments_take_no_letters():
    schema = {
        "type": "object",
        "properties": {
            "order_number": {"type": "string", "description": "The order number."}
        },
    }
    assert extract_arguments(schema, "order A B one two") == {"order_number": "12"}


def test_identifiers_are_read_back_digit_by_digit():
    assert spoken_digits("8291") == "eight two nine one"
    assert spoken_digits("AB12") == "A B one two"


def test_recognition_alternatives_that_disagree_lower_the_agreement():
    same = ["order eight two nine one", "order eight two nine one please"]
    assert agreement_on("8291", same, 0.85) == 1.0
    mixed = ["order eight two nine one", "order a to i in one", "order eight to nine"]
    assert agreement_on("8291", mixed, 0.85) < 0.5


@pytest.mark.parametrize(
    ("said", "meaning"),
    [
        ("yes", True),
        ("yes please", True),
        ("that's right", True),
        ("no", False),
        ("no it is not", False),
        ("where is my order then", None),
    ],
)
def test_short_yes_and_no(said, meaning):
    assert yes_or_no(said) is meaning
