"""The model: pure data and rules (what a questionnaire is), with no Flask and no I/O.

It imports nothing above it in ``survey``: every other layer may import it.
"""
