"""Ledgers in: read the registers villages keep in Excel, safely and tolerantly.

- :mod:`federation.ledgers.imports.reader` opens an uploaded .xlsx only after checking it is safe (size, zip
  entries, declared unpacked size, no DOCTYPE/ENTITY), finds the header under the title and the
  填报单位 line, proposes a mapping from header texts to field keys and reads the rows up to 合计;
- :mod:`federation.ledgers.imports.cells` turns what people typed into values, each parser returning
  ``(value, error message or None)``.
"""
