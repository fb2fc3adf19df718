"""The registers of the 2014 work plan, one module a register (each declares it; see ``registry.apps``).

Adding a register is its model, one module here and its tests: the module declares it
(``federation.web.registers.declare``) and its pages, menu entry, deadline, place on a person's
page, ledger, import and permissions follow from that one declaration.
"""
