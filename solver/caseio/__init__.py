"""The case format (``../shared/case-format.md``): read, validate and write case folders.

Reading collects every problem as a ``CaseIssue`` naming file, row and column, and raises them
together as one ``CaseError``; nothing is returned from a bad case.

May import: ``solver.domain``, ``solver.i18n``, pandas/numpy, openpyxl (through pandas) and the
standard library.
"""
