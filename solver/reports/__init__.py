"""Tables and plots of results, for files, the CLI and the pages.

May import: ``solver.domain``, ``solver.planning`` result types, matplotlib.
"""
