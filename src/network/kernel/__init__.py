"""What every use case stands on: who acts (:mod:`~network.kernel.context`), what
they may do (:mod:`~network.kernel.policy`), the transaction that scopes case rows
to them (:mod:`~network.kernel.case_scope`), the unit of work that commits a
change with its audit records and notifications (:mod:`~network.kernel.unit`), and
the app's shared services (:mod:`~network.kernel.cache`, :mod:`~network.kernel.locks`,
:mod:`~network.kernel.outbox`).

It knows no domain: the domains above it put their rows into a unit of work, and
the composition root (:mod:`network.bootstrap`) builds the services once per app.
"""
