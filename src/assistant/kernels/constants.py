"""What the Python code and the native module must agree on, each defined here and nowhere else.

The native module (_native.c) holds no copy: it reads these names from this module when it is
imported, and refuses to load if one is missing or out of its limits. The pure implementation
(pure.py), the vectorizers that fit the vocabularies (features.py, surface.py) and the matcher read
them from here too. A vocabulary's keys are written by Python at training time and looked up by
either implementation at answering time, so a tag or an n-gram size that differed between them
would silently find nothing: one definition makes that impossible.
"""

# -- the features of a message's normalised tokens (features.py) --------------------------------
TOKEN_TAG = "w:"  # a token
PAIR_TAG = "b:"  # two consecutive tokens, joined by a space
GRAM_TAG = "c:"  # a character n-gram of the token between its bounds, "<token>"
TOKEN_BOUNDS = "<>"  # the characters before and after a token, for its n-grams
TOKEN_GRAMS = (3, 5)  # the shortest and the longest n-gram of a token; only a longer token has any
GRAM_COUNT = 0.5  # what each n-gram occurrence counts (a token or a pair counts 1)
PLACEHOLDER = "#"  # what a placeholder token starts with ("#num"): it has no n-grams

# -- the features of the text as written (surface.py) ---------------------------------------------
TEXT_WORD_TAG = "t:"  # a word of the folded text (a run of \w)
TEXT_PAIR_TAG = "u:"  # two consecutive words, joined by a space
TEXT_GRAM_TAG = "k:"  # a stretch of characters, spaces included
TEXT_GRAMS = (2, 5)  # the shortest and the longest stretch

# How many feature columns the text's look-up may write per character of the text: at most one word
# and one pair start at each character, and one stretch of each size.
COLUMNS_PER_CHARACTER = 2 + TEXT_GRAMS[1] - TEXT_GRAMS[0] + 1

# -- the words of a folded message (text.split) -----------------------------------------------------
APOSTROPHE = "'"  # joins letters into one word ("aujourd'hui"); after an elided word, cut
SYMBOLS = "€$%"  # each a word of its own
