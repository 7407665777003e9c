"""What the service does, with no web framework inside: imports, runs, offers, the queue,
planning, users, audit. The API (``service.api``) and the pages (``service.web``) are both thin
over these functions and never import each other.

A use case takes a database session (or engine) and plain values, checks what the caller may do
with ``service.authz``, does the work in one transaction, audits it, and raises one of the
errors of ``service.usecases.errors`` when it cannot; the edges turn those into HTTP statuses or
Danish pages. Background work is started and stopped by ``service.jobs``.

May import: ``solver``, ``service.models``, ``service.db``, ``service.settings``,
``service.authz``, ``service.auth``, ``service.leases``, ``service.children``. Never
``fastapi``, ``starlette``, ``service.api`` or ``service.web``.
"""
