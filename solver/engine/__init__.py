"""One week of allocation: the hard rules, eligibility, the problem, explanations, the queue.

Data flows one way: ``Case`` → ``eligibility`` (the hard rules over whole columns) → ``week``
(``build_problem`` → ``solver.core.solve.solve`` → matches) → ``explain`` (a reason code with
its parameters for every youth not housed). ``queue`` ranks one youth against the others over a
pool of dwellings.

May import: ``solver.domain``, ``solver.i18n``, ``solver.core`` and ``solver.caseio``.
"""
