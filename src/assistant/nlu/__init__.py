"""Understanding a message: features, sentence vectors, the matcher and its evaluation."""
