"""The matching stage (NLU): which intent a message means. For now it holds the stage's loops —
one optional native module, its pure numpy twin and the facade that picks one (kernels.py) — and the
constants both read (constants.py)."""
