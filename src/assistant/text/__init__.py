"""Reading what people write: cleaning, language, normalisation, numbers, dates; per-language data in lang/<code>/."""
