"""The text helpers every stage shares."""
from assistant.numbers import to_digits
from assistant.text import fold


def test_the_per_message_caches_hold_one_reply_and_not_past_messages():
    for i in range(200):
        fold(f"Message numéro {i}")
        to_digits(f"message {i}", "fr")
    assert fold.cache_info().currsize <= 16 and to_digits.cache_info().currsize <= 16
