"""Planning: what-if scenarios simulated week by week with the real engine, and their KPIs.

May import: ``solver.domain``, ``solver.core``, ``solver.caseio``, ``solver.engine``,
``solver.fixtures`` and ``solver.reports``.
"""
