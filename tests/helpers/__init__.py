"""Plain helpers of the tests: builders, factories and readers that are not fixtures.

Fixtures live in the conftest.py files (tests/conftest.py for the whole world, tests/<app>/conftest.py
for one app's); test modules import helpers from here only, never from another test module.
"""
