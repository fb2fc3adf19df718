"""Tests of loans: eligibility, the path and signatures of an application, its pages and ledgers."""
