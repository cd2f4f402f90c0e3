"""The vendors' knowledge and the intents' phrasings: reading, validating (``assistant check``) and their schemas."""
