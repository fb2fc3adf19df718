"""Tests of federation/web: the generic pages, the menu, the register declaration, list queries."""
