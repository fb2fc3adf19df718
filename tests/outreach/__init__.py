"""Tests of outreach: visits, screening, volunteers, petitions, deadlines, the overview, its ledgers."""
