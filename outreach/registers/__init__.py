"""Outreach's registers, one module a register (each declares it; see ``outreach.apps``)."""
