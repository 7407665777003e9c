"""Every text a person reads, in Danish and English, from one message catalogue.

The solver and the service speak in codes with parameters (a reason code and the ceiling, the
pet, the number of dwellings; an import issue code and the cell); :func:`render.text` turns one
into a sentence in the reader's language at the edge: Danish on the pages, ``--lang da|en`` on
the CLI. No sentence is ever translated back from another sentence.

- ``catalogue``: the messages, each in both languages (a test checks none is missing);
- ``render``: ``text(key, lang, **params)``, ``label(namespace, code, lang)`` and the Danish and
  English ways of writing numbers, kroner, dates and weeks.

May import: the standard library only.
"""
