"""Normalisation: what matching compares, from messages typed the way people type."""


def tokens(assistant, text, lang):
    return assistant.models.normaliser.tokens(text, lang)


def test_accents_case_and_inflection_fold_together(assistant):
    assert tokens(assistant, "Les DONNÉES hébergées", "fr") == tokens(assistant, "les donnees hebergee", "fr")


def test_french_elisions_and_their_articles_are_dropped(assistant):
    assert "d" not in tokens(assistant, "validité d'un devis", "fr")
    assert "l" not in tokens(assistant, "l'essai", "fr")


def test_negations_and_question_words_are_kept(assistant):
    assert {"not", "how"} <= set(tokens(assistant, "how do I not renew", "en"))
    assert {"pas", "combien"} <= set(tokens(assistant, "combien pour un abonnement si je ne renouvelle pas", "fr"))


def test_stop_words_are_recognised_before_lemmatising(assistant):
    assert "naitre" not in tokens(assistant, "je ne renouvelle pas", "fr")


def test_request_markers_are_kept(assistant):
    assert "me" in tokens(assistant, "send me a quote", "en")
    assert "svp" in tokens(assistant, "un devis svp", "fr")


def test_chat_abbreviations_are_written_out(assistant):
    assert tokens(assistant, "cmb pour l'abo ?", "fr") == tokens(assistant, "combien pour l'abonnement ?", "fr")
    assert tokens(assistant, "wat r ur prices", "en") == tokens(assistant, "what are your prices", "en")


def test_synonyms_become_one_canonical_word(assistant):
    assert tokens(assistant, "tarif", "fr") == tokens(assistant, "prix", "fr")
    assert tokens(assistant, "money back", "en") == tokens(assistant, "refund", "en")


def test_a_synonym_of_several_words_is_found_inside_a_sentence(assistant):
    assert tokens(assistant, "can I get my money back please", "en") == tokens(assistant, "refund please", "en")
    assert "money" in tokens(assistant, "money please", "en")  # its first word alone is no synonym


def test_contractions_are_expanded_longest_first(assistant):
    # "won't" is "will not", not "wo" and "n't"
    assert assistant.models.normaliser.lemmas("I won't pay", "en")[:3] == ["i", "will", "not"]


def test_numbers_become_one_feature_whatever_their_value(assistant):
    assert (
        tokens(assistant, "8 sièges", "fr")
        == tokens(assistant, "huit sièges", "fr")
        == tokens(assistant, "20 sièges", "fr")
    )


def test_a_message_of_stop_words_still_means_something(assistant):
    assert tokens(assistant, "who are you?", "en")
