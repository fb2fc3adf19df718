"""Tests of registry: persons, households, the registers, their rules, pages and importers."""
