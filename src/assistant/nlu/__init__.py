"""Understanding a message: features, sentence vectors, the matcher and its evaluation, and the
loops they run in, native or numpy (kernels.py picks one; constants.py holds what both read)."""
