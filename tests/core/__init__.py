"""Tests of federation/core: the organisation, roles, scoping, history, ID numbers, labels, log-in."""
