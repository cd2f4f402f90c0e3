"""The slot patterns that RE2 runs without lookarounds or \\b find what the backtracking ones found.

The originals are the specification: on short texts made of the pieces they turn on (where their
backtracking costs nothing), each rewritten pattern reads the same value."""

import re

from hypothesis import given
from hypothesis import strategies as st

from assistant import patterns
from assistant.data import forms
from assistant.dialogue import slots
from assistant.paths import project_root
from assistant.text.clean import fold, fold_term

ORIGINAL = {
    "BROKEN_EMAIL": re.compile(r"\b[\w.+-]+(?:@|\s+at\s+)?[\w-]*\.(?:com|fr|dz|net|org|io|eu|be|ch|ca)\b", re.I),
    "ACCOUNT": re.compile(r"\bsx\s?-?\s?(\d{4})\b", re.I),
    "LOOSE_ACCOUNT": re.compile(r"\bsx[\w-]*", re.I),
    "PO": re.compile(
        r"(?:\bpo\b|bon de commande|purchase order|\bbc\b)\s*(?:n°|no\.?|number|num[ée]ro|#|:)*\s*"
        r"([A-Z0-9][A-Z0-9/-]{2,})",
        re.I,
    ),
}
PHONE = re.compile(r"(?<![\w-])\+?\d[\d .()-]{6,}\d(?!\w)")
# The patterns made from the slots' data (intents/forms.yml): its email domains, its account format.
SLOTS = forms.load(project_root()).slots
REWRITTEN = {
    "BROKEN_EMAIL": slots.broken_email(tuple(SLOTS["email"]["domains"])),
    "ACCOUNT": slots.account_patterns(SLOTS["account"]["prefix"], SLOTS["account"]["digits"])[0],
    "LOOSE_ACCOUNT": slots.account_patterns(SLOTS["account"]["prefix"], SLOTS["account"]["digits"])[1],
    "PO": slots.PO,
}


def texts(*pieces: str):
    """Texts of up to a dozen of these pieces, with word characters of other scripts beside them."""
    return st.lists(st.sampled_from([*pieces, " ", "-", ".", "a", "é", "_", "٣", "ı", "\n"]), max_size=12).map("".join)


def read(name: str, text: str):
    """What the slot reader takes from the rewritten pattern's match: its one group."""
    found = REWRITTEN[name].search(text)
    return found and found.group(1)


def originally(name: str, text: str):
    found = ORIGINAL[name].search(text)
    return found and (found.group(0) if name in ("BROKEN_EMAIL", "LOOSE_ACCOUNT") else found.group(1))


@given(texts("com", "fr", "COM", "@", " at ", "+", "x", "sx-"))
def test_a_broken_email_is_read_as_before(text):
    assert read("BROKEN_EMAIL", text) == originally("BROKEN_EMAIL", text)


@given(texts("sx", "SX", "ſx", "1234", "12345", "1", "٣٣٣٣"))
def test_an_account_number_is_read_as_before(text):
    assert read("ACCOUNT", text) == originally("ACCOUNT", text)
    assert read("LOOSE_ACCOUNT", text) == originally("LOOSE_ACCOUNT", text)


@given(
    texts(
        "po",
        "PO",
        "bc",
        "#",
        ":",
        "no",
        "no.",
        "n°",
        "number",
        "numéro",
        "1234",
        "/",
        "bon de commande",
        "purchase order",
        "post",
        "s",
    )
)
def test_a_purchase_order_number_is_read_as_before(text):
    assert read("PO", text) == originally("PO", text)


def first_phone(text: str):
    """The original reader: the first number of 8 to 15 digits, its spaces single."""
    for match in PHONE.finditer(text):
        if 8 <= len(re.sub(r"\D", "", match.group(0))) <= 15:
            return re.sub(r"\s+", " ", match.group(0)).strip()
    return None


@given(texts("1", "12", "0612", "+", "(", ")", "  ", "1 2 3 4"))
def test_a_phone_number_is_read_as_before(text):
    found = slots._phone(text, "fr", "phone", {}, [], None, False)
    assert (found and found.value) == first_phone(text)


TERMS = ["enterprise plus", "pro", "c++", "-x", "é", "a_b", "x."]


@given(
    st.sampled_from(TERMS),
    st.lists(st.sampled_from(TERMS + ["a", " ", "_", "+", "-", ".", "b"]), max_size=6).map("".join),
)
def test_a_catalogue_item_or_a_lookup_word_is_found_where_it_was(term, text):
    assert bool(patterns.compile(slots._bounded(term)).search(text)) == bool(re.search(rf"\b{re.escape(term)}\b", text))
    assert slots.mentions(text, [term]) == mentioned_before(text, term)


@given(
    st.lists(st.sampled_from(TERMS), min_size=1, max_size=4, unique=True),
    st.lists(st.sampled_from(TERMS + ["a", " ", "_", "+", "-", ".", "b"]), max_size=6).map("".join),
)
def test_a_list_of_words_is_one_search_that_finds_what_each_word_found(terms, text):
    assert slots.mentions(text, terms) == any(mentioned_before(text, term) for term in terms)


def mentioned_before(text: str, term: str) -> bool:
    """The original reading: the folded term with no word character on either side."""
    return bool(re.search(rf"(?<![\w]){re.escape(fold_term(term))}(?![\w])", f" {fold(text)} "))


def test_a_backtracking_message_is_read_at_once():
    """The message that held a worker for seconds: hundreds of "sx-" with no address at the end."""
    assert slots._email("sx-" * 600 + "!", "fr", "email", {}, [], None, False) is None


def test_the_forms_patterns_can_be_compiled_before_a_worker_needs_them(assistant):
    """What a server's master compiles before it forks: every catalogue item's pattern and every
    list of lookup words a form turn searches, so that no form turn compiles one of them."""
    slots._any_word.cache_clear()
    slots.compile_ahead((t.catalogue for t in assistant.tenants.values()), assistant.intents)
    compiled = patterns.compiled()
    assert all(
        (slots._bounded(fold_term(item)), 0) in compiled for t in assistant.tenants.values() for item in t.catalogue
    )
    misses = slots._any_word.cache_info().misses
    session = assistant.reply("exo", None, "je voudrais un devis").session_id
    assistant.reply("exo", session, "Karim, karim@exemple.dz, 40 users, Enterprise, cloud, dollars, revendeur")
    assert slots._any_word.cache_info().misses == misses


def test_a_free_text_value_among_other_details_is_found_by_its_cue_words():
    cues = {"cue": ["help with", "bug", "mardi", "après-midi"]}.copy

    def read(text, how, slot="need", length=10):
        spec = {"type": "text", "min_length": length, "cued": how}
        found = slots.read_slots(text, "en", [slot], {slot: spec}, [], lambda s: cues(), None)
        return found[slot].value if slot in found else None

    assert (
        read("SX-1002, Jane Roe, I need help with flat patterns. Thanks", "segment") == "I need help with flat patterns"
    )
    assert (
        read("une démo ? Nadia Haddad, mardi après-midi si possible", "from_cue", length=3)
        == "mardi après-midi si possible"
    )
    assert read("un bug", "segment") is None  # shorter than the slot's minimum
    assert read("Jane Roe, jane@acme.com", "segment") is None  # no cue: nothing taken
    assert read("I need help with flat patterns", None) is None  # a slot that is not cued
