"""Tests of federation/ledgers: the export and import framework, its pages and commands."""
